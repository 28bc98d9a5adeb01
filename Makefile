# cairn - forensic snapshot and comparison toolkit
#
#   make            build bin/cairn-{snap,diff,capture,report}
#   make check      unit (check) suites, fuzz-corpus replay, end-to-end scripts
#   make cli        the end-to-end scripts only (CASES="snap/usage ..." for some)
#   make cli-update rewrite their golden files (review: git diff tests/cli)
#   make asan       the whole check suite again under ASan+UBSan
#   make demo       the incident story on samples/, report in out/
#   make bench      benchmarks against the tools people use instead
#   make fuzz       libFuzzer targets, FUZZ_SECONDS each (clang)
#   make install    PREFIX=/usr/local DESTDIR=
#
# V=1 shows commands; DEVELOPER=1 (CI) adds -Werror.
# Sources are discovered: lib/*.c is the library, TOOL/*.c a tool,
# tests/unit/check_*.c a check suite, tests/fuzz/fuzz_*.c a fuzz target.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config
BUILD ?= build/default
BIN ?= bin
FUZZ_SECONDS ?= 60

export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

TOOLS := snap diff capture report
PKGS := libgit2 libzstd libcrypto libxxhash libpcap jansson zlib

ifeq ($(V),1)
Q :=
else
Q := @
endif

# The libraries are found with pkg-config when make reads this file, so when
# one is missing no rule below can work yet.  Every goal then runs the deps
# step first (scripts/deps.sh: as root it installs what is missing; otherwise
# it prints the one command to run and stops) and starts make again, which
# finds them.  CAIRN_DEPS_RAN marks that second make.
ifneq ($(filter-out clean deps help,$(or $(MAKECMDGOALS),all)),)
PKG_MISSING := $(strip $(foreach p,$(PKGS) check,$(if $(shell $(PKG_CONFIG) --exists $(p) 2>/dev/null && echo y),,$(p))))
endif
ifneq ($(PKG_MISSING),)
ifeq ($(CAIRN_DEPS_RAN),1)
$(error missing libraries after 'sh scripts/deps.sh': $(PKG_MISSING) ($(PKG_CONFIG) --exists finds none of them))
endif
.PHONY: $(or $(MAKECMDGOALS),all) deps-then-make
$(or $(MAKECMDGOALS),all): deps-then-make
	@:
deps-then-make:
	@echo "make: missing libraries: $(PKG_MISSING); running 'sh scripts/deps.sh' first" >&2
	@sh scripts/deps.sh
	@$(MAKE) --no-print-directory CAIRN_DEPS_RAN=1 $(MAKECMDGOALS)
else # the libraries are there: the build

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wvla -Wformat=2
ifeq ($(DEVELOPER),1)
WARN += -Werror
endif
OPT ?= -O2
CFLAGS ?= $(OPT) -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -pthread \
	-Ilib $(WARN) $(CFLAGS) $(SAN) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -pthread -lm
CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBA := $(BUILD)/libcairn.a
BINS := $(TOOLS:%=$(BIN)/cairn-%)
UNIT_SRC := $(sort $(wildcard tests/unit/check_*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/tests/unit/run-unit
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
REPLAY_BINS := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/replay-%)
HELPER_SRC := $(sort $(wildcard tests/tools/*.c))
HELPER_BINS := $(HELPER_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
MANPAGES := $(wildcard docs/*.1)

.PHONY: all check unit cli cli-update replay asan demo bench fuzz install clean deps help
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BINS) $(HELPER_BINS)

deps:
	@$(if $(CAIRN_DEPS_RAN),:,sh scripts/deps.sh)

$(BUILD)/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(if $(filter tests/unit/% tests/fuzz/%,$<),$(CHECK_CFLAGS) -Wno-missing-prototypes) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

.SECONDEXPANSION:
$(BIN)/cairn-%: $$(addprefix $(BUILD)/,$$(addsuffix .o,$$(basename $$(wildcard $$*/*.c)))) $(LIBA)
	@mkdir -p $(BIN)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(LIBA) $(LIBS)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIBA)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBA) $(LIBS)

$(BUILD)/tests/unit/suites.h: $(UNIT_SRC)
	@mkdir -p $(dir $@)
	$(Q)for f in $(UNIT_SRC); do n=$${f#tests/unit/check_}; echo "SUITE($${n%.c})"; done > $@

$(BUILD)/tests/unit/runner.o: tests/unit/runner.c $(BUILD)/tests/unit/suites.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -I$(BUILD)/tests/unit -c -o $@ $<

$(UNIT_BIN): $(BUILD)/tests/unit/runner.o $(UNIT_OBJ) $(LIBA)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(BUILD)/tests/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBA)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(LIBA) $(LIBS)

check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BIN) $(REPLAY_BINS)
	$(Q)$(MAKE) --no-print-directory unit replay cli

unit: $(UNIT_BIN)
	$(Q)CK_FORK=no CAIRN_SRC=$(CURDIR) CAIRN_BIN=$(CURDIR)/$(BIN) $(UNIT_BIN)

replay: $(REPLAY_BINS)
	$(Q)set -e; for n in $(FUZZ_NAMES); do \
		$(BUILD)/tests/fuzz/replay-$$n tests/fuzz/corpus/$$n; done

cli: all
	$(Q)CAIRN_SRC=$(CURDIR) CAIRN_BIN=$(CURDIR)/$(BIN) \
		CAIRN_TOOLS=$(CURDIR)/$(BUILD)/tests/tools sh tests/run-cli.sh $(CASES)

# Rewrite the golden files of the CLI cases (all, or CASES="snap/usage ...")
# from this build; review with git diff tests/cli (tests/run-cli.sh).
cli-update: all
	$(Q)CAIRN_SRC=$(CURDIR) CAIRN_BIN=$(CURDIR)/$(BIN) \
		CAIRN_TOOLS=$(CURDIR)/$(BUILD)/tests/tools sh tests/run-cli.sh --update $(CASES)

asan: deps
	$(Q)$(MAKE) --no-print-directory check BUILD=build/asan BIN=build/asan/bin \
		OPT=-O1 SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

demo: deps all
	$(Q)sh samples/demo.sh

bench: deps all
	$(Q)sh bench/run.sh

fuzz: deps
	$(Q)$(MAKE) --no-print-directory CC=clang BUILD=build/fuzz build/fuzz/libcairn.a \
		SAN="-fsanitize=fuzzer-no-link,address,undefined"
	$(Q)set -e; for n in $(FUZZ_NAMES); do \
		clang $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined \
			-o build/fuzz/fuzz-$$n tests/fuzz/fuzz_$$n.c build/fuzz/libcairn.a $(LIBS); \
		mkdir -p build/fuzz/corpus-$$n; \
		build/fuzz/fuzz-$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			build/fuzz/corpus-$$n tests/fuzz/corpus/$$n; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	$(if $(MANPAGES),install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1)

clean:
	rm -rf build bin out

help:
	@sed -n '3,16p' Makefile

endif # PKG_MISSING
