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
#   make install    PREFIX=/usr/local DESTDIR= (install-strip: stripped;
#                   uninstall: removes what install wrote)
#   make dist       cairn-VERSION.tar.gz from git HEAD (distcheck: it
#                   builds, passes make check, installs and uninstalls
#                   cleanly in a fresh folder); make deb: the Debian package
#
# V=1 shows commands; DEVELOPER=1 (CI) adds -Werror.
# Sources are discovered: lib/*.c is the library, TOOL/*.c a tool,
# tests/unit/check_*.c a check suite, tests/fuzz/fuzz_*.c a fuzz target.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/cairn
DATADIR ?= $(PREFIX)/share/cairn
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=
CC ?= cc
PKG_CONFIG ?= pkg-config
BUILD ?= build/default
BIN ?= bin
FUZZ_SECONDS ?= 60

export ASAN_OPTIONS ?= detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

TOOLS := snap diff capture report
PKGS := libgit2 libzstd libcrypto libxxhash libpcap jansson zlib libpsl libzip yaml-0.1 liburing

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
	-Ilib $(CPPFLAGS) $(WARN) $(CFLAGS) $(SAN) \
	$(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LIBS := $(LDFLAGS) $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -pthread -lm
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

.PHONY: all check unit cli cli-update replay asan demo bench fuzz install install-strip \
	uninstall dist distcheck deb clean deps help
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

# the tests' shared helpers (pkgtest.h, observe_tree.h ...) are headers: a
# change to one rebuilds what includes it, as a change to lib/*.h does
$(UNIT_OBJ): $(wildcard tests/unit/*.h tests/*.h)
$(BUILD)/tests/tools/analyze-tree.o: tests/observe_tree.h

$(UNIT_BIN): $(BUILD)/tests/unit/runner.o $(UNIT_OBJ) $(LIBA)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) $(CHECK_LIBS)

$(BUILD)/tests/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBA) $(wildcard lib/*.h tests/fuzz/*.h tests/*.h)
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

# ---- install
# The tools, the two job wrappers (samples/cron/cairn-nightly,
# samples/ci/cairn-gate), man pages, the documentation and JSON schemas,
# the systemd units (their ExecStart pointed at BINDIR; not enabled), and
# the cron/CI samples as examples.
SCRIPTS := samples/cron/cairn-nightly samples/ci/cairn-gate
DOCS := README.md $(wildcard docs/*.md)
SCHEMAS := $(wildcard docs/*-schema.json)
UNITS := samples/systemd/cairn-snap@.service samples/systemd/cairn-snap@.timer
EXAMPLES := samples/cron/crontab samples/cron/nightly.conf \
	samples/ci/github-actions.yml samples/ci/gitlab-ci.yml
INSTALL ?= install
STRIP ?= strip

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR)/examples \
		$(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) $(INSTALL_STRIP) -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 755 $(SCRIPTS) $(DESTDIR)$(BINDIR)
	$(if $(MANPAGES),install -m 644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man1)
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)
	install -m 644 $(SCHEMAS) $(DESTDIR)$(DATADIR)/schemas
	install -m 644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples
	for u in $(UNITS); do \
		sed 's|^ExecStart=/usr/local/bin/|ExecStart=$(BINDIR)/|' $$u \
			> $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} || exit 1; done

install-strip:
	$(Q)$(MAKE) --no-print-directory install INSTALL_STRIP="-s --strip-program=$(STRIP)"

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(BINS) $(SCRIPTS))) \
		$(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MANPAGES))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/examples/,$(notdir $(EXAMPLES))) \
		$(addprefix $(DESTDIR)$(DATADIR)/schemas/,$(notdir $(SCHEMAS))) \
		$(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(notdir $(UNITS)))
	-rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR) 2>/dev/null

# ---- release
# make dist: the tree of git HEAD as cairn-VERSION/ in a gzip'd tar with
# fixed owner and times (git archive; modes 0644/0755 as a checkout under
# umask 022 has them: git's default tar.umask 0002 made them group-writable
# and the goldens that list samples/ differ), so the same commit gives the same
# bytes.  make distcheck: unpack it in an empty folder (no ../shared, no
# build/, no git), build it, run make check there, install into a staging
# folder, uninstall, and fail if anything was left behind.  make deb: the
# Debian package (debian/) built by dpkg-buildpackage from the dist tree,
# checked with lintian; the .deb lands in build/deb/.
VERSION := $(shell sed -n 's/^\#define CAIRN_VERSION "\(.*\)"/\1/p' lib/cairn.h)
DIST := cairn-$(VERSION)

dist:
	$(Q)git rev-parse --verify -q HEAD > /dev/null || \
		{ echo "make dist: needs a git checkout (it packs HEAD)" >&2; exit 2; }
	$(Q)if [ -n "$$(git status --porcelain --untracked-files=no)" ]; then \
		echo "make dist: warning: uncommitted changes are not in $(DIST).tar.gz (HEAD is packed)" >&2; fi
	$(Q)git -c tar.umask=0022 archive --format=tar --prefix=$(DIST)/ HEAD | gzip -9n > $(DIST).tar.gz.tmp
	$(Q)mv $(DIST).tar.gz.tmp $(DIST).tar.gz
	@echo "$(DIST).tar.gz"

distcheck: dist
	$(Q)set -e; t=$$(mktemp -d "$${TMPDIR:-/tmp}/cairn-distcheck.XXXXXX"); \
	trap 'chmod -R u+rwx "$$t"; rm -rf "$$t"' EXIT; \
	tar -xzf $(DIST).tar.gz -C "$$t"; \
	$(MAKE) -C "$$t/$(DIST)" -j2 all; \
	$(MAKE) -C "$$t/$(DIST)" check $(if $(DEVELOPER),DEVELOPER=$(DEVELOPER)); \
	$(MAKE) -C "$$t/$(DIST)" install-strip DESTDIR="$$t/stage" PREFIX=/usr/local; \
	test -x "$$t/stage/usr/local/bin/cairn-snap"; \
	if readelf -S "$$t/stage/usr/local/bin/cairn-snap" | grep -q '\.symtab'; then \
		echo "distcheck: install-strip left symbols" >&2; exit 1; fi; \
	"$$t/stage/usr/local/bin/cairn-snap" --version; \
	$(MAKE) -C "$$t/$(DIST)" uninstall DESTDIR="$$t/stage" PREFIX=/usr/local; \
	left=$$(find "$$t/stage" -type f); \
	if [ -n "$$left" ]; then echo "distcheck: uninstall left: $$left" >&2; exit 1; fi; \
	echo "distcheck: $(DIST).tar.gz builds, passes make check, installs and uninstalls"

deb: dist
	$(Q)set -e; t=$$(mktemp -d "$${TMPDIR:-/tmp}/cairn-deb.XXXXXX"); \
	trap 'chmod -R u+rwx "$$t"; rm -rf "$$t"' EXIT; \
	tar -xzf $(DIST).tar.gz -C "$$t"; \
	(cd "$$t/$(DIST)" && dpkg-buildpackage -us -uc $(DEB_FLAGS)); \
	mkdir -p build/deb; cp "$$t"/*.deb "$$t"/*.changes "$$t"/*.buildinfo build/deb/; \
	lintian --fail-on error --info "$$t"/*.changes; \
	ls build/deb/*.deb

clean:
	rm -rf build bin out

help:
	@sed -n '3,19p' Makefile

endif # PKG_MISSING
