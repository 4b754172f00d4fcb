# Station: the two commands are `make run` and `make test`. See README.md.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all deps configure build run test bench clean format fuzz-short

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Starts the kiosk in demo mode on simulated devices, in a window on this machine's display.
run: build
	$(BUILD_DIR)/bin/station-kiosk --demo $(RUN_ARGS)

# Every test through CTest; ends with CTest's summary line. First the drivers' libFuzzer targets
# (clang, in build-fuzz) get their short runs: 2000 inputs each.
test: build fuzz-short
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

FUZZ_DIR ?= build-fuzz
FUZZ_TARGETS = fuzz_sam_frame fuzz_printer_status fuzz_qr_payload fuzz_hid_keymap
fuzz-short: deps
	@CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(FUZZ_TARGETS)
	cd $(FUZZ_DIR) && ctest --output-on-failure -R fuzz

# One line per figure, `name: value unit`.
bench: build
	@$(BUILD_DIR)/bin/station-bench

format:
	@git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
