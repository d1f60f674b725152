# wf2cloudinary: build, test, demo.
#
# `make demo` and `make test` install the Debian packages they need when they
# are missing (as root, or through sudo).

SWIFT ?= swift
PYTHON ?= python3
BUILD_DEPS := libcurl4-openssl-dev libssl-dev libsystemd-dev libjq-dev libsqlite3-dev pkg-config openssl
DEMO_DEPS := ffmpeg imagemagick ghostscript

.PHONY: all build release test test-fakes test-swift test-package-as-root demo deps demo-deps clean

all: build

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --static-swift-stdlib

deps:
	@scripts/install-packages $(BUILD_DEPS)
	@$(PYTHON) -c 'import cloudinary, prometheus_client' 2>/dev/null || $(PYTHON) -m pip install --quiet cloudinary prometheus-client

demo-deps: deps
	@scripts/install-packages $(DEMO_DEPS)

test: deps test-fakes test-swift test-package-as-root

# The package test installs and purges a package (in an overlay of /), so it
# runs only as root; CI runs as root.
test-package-as-root:
	@if [ "$$(id -u)" -eq 0 ]; then $(MAKE) --no-print-directory test-package; \
	else echo "Skipping the package test: it needs root"; fi

test-fakes:
	$(PYTHON) -m unittest discover -s Tests/Fakes -p 'test_*.py'

test-swift:
	$(SWIFT) build
	$(SWIFT) test

demo: demo-deps build
	$(PYTHON) demo/run_demo.py --binary .build/debug/wf2cloudinary

clean:
	rm -rf .build

# The Debian package, built with dpkg-buildpackage into build/deb/; the Swift
# toolchain must be on PATH (docs/installation.md).
.PHONY: deb test-package
deb:
	SWIFT=$(SWIFT) packaging/build-deb.sh build/deb

# Installs the package (DEB=file.deb, else a fresh build), checks it, then
# purges it, on an in-memory overlay of / so the machine is not changed.
# Needs root.
test-package:
	@scripts/install-packages man-db dpkg-dev debhelper
	Tests/Packaging/test_package.sh --isolated $(DEB)

# Fault injection and crash runs against the fakes; each prints a table
# (docs/fault-injection.md).
.PHONY: faults crash
faults: build
	$(PYTHON) bench/faults.py --binary .build/debug/wf2cloudinary $(FAULTS_ARGS)

crash: build
	$(PYTHON) bench/crash.py --binary .build/debug/wf2cloudinary $(CRASH_ARGS)

# Throughput, documents per second and peak RSS against the fakes and a
# plain curl pipeline (docs/performance.md).
.PHONY: bench
bench: release
	$(PYTHON) bench/bench.py --binary .build/release/wf2cloudinary
