# SPDX-License-Identifier: GPL-2.0-or-later
# TEMPORARY experiment (not committed)
. /usr/share/epdma-test/lib.sh
R=/usr/bin/epdmactl-rd
F=$EPF_CFS/functions
mkdir $F/pci_epf_vntb/x
mkdir $F/pci_epf_dma/y
for d in $F/pci_epf_vntb/x $F/pci_epf_vntb/x/pci_epf_vntb.0 $F/pci_epf_dma/y; do $R $d >>$EPDMA_RESULTS; done
echo 1 > $F/pci_epf_vntb/x/pci_epf_vntb.0/num_mws
$R $F/pci_epf_vntb/x/pci_epf_vntb.0 >>$EPDMA_RESULTS
rmdir $F/pci_epf_vntb/x $F/pci_epf_dma/y
mv $R /tmp/rd
pass exp
finish
