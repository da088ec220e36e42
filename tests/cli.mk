# The CLI golden tests (tests/integration/cli-*.sh) exec the collector itself.
test-build: $(B)/collector
