# SPDX-License-Identifier: LGPL-2.1-or-later
# VMs read from Xen: xl configs in /etc/xen (and auto/), running domains in
# xenstore as libxl writes them, dom0 as the control domain.
# host: plain-nic
xe host-list --minimal
note "no config, no domain: dom0 only"
xe vm-list
xl_config web1.cfg '# a PV guest
name = "web1"
uuid = "6B3F1C2E-8A1D-4F0E-9B7C-1D2E3F4A5B6C"
type = "pvh"
memory = 1024
maxmem = 2048
vcpus = 2
maxvcpus = 4
vif = [ "bridge=xenbr0" ]
disk = [ "phy:/dev/vg/web1,xvda,w" ]'
xl_config db.cfg 'name="db"
uuid="0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"
builder="hvm"
memory=4096'
xl_config auto/db.cfg 'name="db"
uuid="0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"'
xl_config nouuid.cfg 'name = "nouuid"
memory = 256'
xl_config baduuid.cfg 'name = "baduuid"
uuid = "not-a-uuid"'
xl_config broken.cfg 'name = "broken
uuid = '
xl_config xl.conf 'autoballoon="off"'
note "configs: uuid, name, type, memory, vcpus; no uuid: listed with the reason"
xe vm-list
xe vm-list --minimal
xe vm-list params=all is-control-domain=false name-label=web1
xe vm-param-list uuid=6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c
xe vm-param-get uuid=6B3F1C2E-8A1D-4F0E-9B7C-1D2E3F4A5B6C param-name=name-label
xe vm-param-get uuid=0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5 param-name=domain-type
xe vm-list is-control-domain=true params=uuid,name-label,dom-id,power-state
note "running domains: config matched by uuid; a domain with no config is a VM while it runs"
domain 5 6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c web1 pvh
xs_write /local/domain/5/memory/target 1048576
xs_write /local/domain/5/memory/static-max 2097152
domain 7 11111111-2222-4333-8444-555555555555 scratch hvm
xe vm-list power-state=running params=name-label,dom-id,resident-on
xe vm-param-get uuid=11111111-2222-4333-8444-555555555555 param-name=name-label
xe vm-param-list uuid=6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c
domain_dies 7 11111111-2222-4333-8444-555555555555
domain_dies 5 6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c
xe vm-list --minimal
xe vm-param-get uuid=6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c param-name=power-state
note "no such VM"
xe vm-param-list uuid=11111111-2222-4333-8444-555555555555
xe vm-param-get uuid=nothing param-name=uuid
xe vm-param-get uuid=6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c param-name=colour
xe vm-param-clear uuid=6b3f1c2e-8a1d-4f0e-9b7c-1d2e3f4a5b6c param-name=power-state
