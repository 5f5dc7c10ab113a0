# Fleet deployment (playbooks/, docs/fleet.md) and the container image
# (Dockerfile): the controller's tools, lint, and the two tests `make test`
# runs (both need root; neither contacts anything outside this machine but
# the package registries, and the test hosts live in network namespaces).
#
#   make fleet INVENTORY=playbooks/inventory/mine.yml [FLEET_ARGS='--limit zen']
#   make container [CONTAINER_PEERS=none] [CONTAINER_TOOL=podman|docker|buildah]
#   make fleet-lint            syntax check + ansible-lint of playbooks/
#   make test-fleet            site.yml against two SSH hosts in namespaces
#   make test-container        buildah build of the Dockerfile + runs inside

FLEET_STAMP := $(VENV)/.aeslab-fleet-deps
FLEET_ENV := PATH=$(VENV)/bin:$$PATH ANSIBLE_CONFIG=$(ROOT)/playbooks/ansible.cfg

.PHONY: fleet-deps fleet-lint fleet test-fleet test-container container

# Ansible and ansible-lint in the project venv (the `ansible` package bundles
# the collections the playbooks use: no ansible-galaxy download).
$(FLEET_STAMP): playbooks/requirements.txt
	@echo "fleet: installing Ansible and ansible-lint into .venv"
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r playbooks/requirements.txt
	@touch $@

fleet-deps: $(FLEET_STAMP)

# Every playbook parses (the cloud one too, which is never run here), and
# ansible-lint's production profile passes on the whole playbooks tree.
fleet-lint: fleet-deps
	cd playbooks && $(FLEET_ENV) ansible-playbook --syntax-check -i inventory/example.yml site.yml provision-aws.yml
	cd playbooks && $(FLEET_ENV) ansible-lint --nocolor -q

INVENTORY ?=
FLEET_ARGS ?=
fleet: fleet-deps
	@[ -n "$(INVENTORY)" ] || { echo "usage: make fleet INVENTORY=path/to/inventory.yml (see docs/fleet.md)" >&2; exit 2; }
	cd playbooks && $(FLEET_ENV) ansible-playbook -i $(abspath $(INVENTORY)) site.yml $(FLEET_ARGS)

test-fleet: fleet-lint
	tests/fleet/test-fleet.sh

test-container:
	tests/fleet/test-container.sh

# Build the image with whichever container tool this machine has.
CONTAINER_PEERS ?= all
CONTAINER_TOOL ?= $(firstword $(foreach t,docker podman buildah,$(if $(shell command -v $(t) 2>/dev/null),$(t))))
container:
	@[ -n "$(CONTAINER_TOOL)" ] || { echo "container: no docker, podman or buildah here" >&2; exit 2; }
	$(if $(filter buildah,$(CONTAINER_TOOL)),buildah bud,$(CONTAINER_TOOL) build) --build-arg PEERS=$(CONTAINER_PEERS) -t aeslab .

TEST_TARGETS += test-fleet test-container
