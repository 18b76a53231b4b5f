# kvd: one non-recursive Makefile. `make run` and `make test` are the two commands a new
# user needs; both install missing Debian packages first.

CC ?= cc
PKG_CFLAGS := $(shell pkg-config --cflags libevent 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs libevent 2>/dev/null)
# Lua 5.1 for scripting, with Debian's cjson and bitop modules (server/ only: test-c never
# compiles server/, so the C unit tests need none of this).
PKG_CFLAGS += $(shell pkg-config --cflags lua5.1 2>/dev/null)
PKG_LIBS += $(shell pkg-config --libs lua5.1 2>/dev/null) -l:liblua5.1-cjson.so.0 -l:liblua5.1-bitop.so.0
WARN := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -I. $(WARN) -MMD -MP
OPT ?= -O2 -g

UTILS_SRC := $(wildcard utils/*.c)
PROTO_SRC := $(wildcard protocol/*.c)
STORE_SRC := $(wildcard storage/*.c)
SERVER_SRC := $(wildcard server/*.c)
ALL_SRC := $(UTILS_SRC) $(PROTO_SRC) $(STORE_SRC) $(SERVER_SRC)

# Release build: jemalloc is the allocator.
ifeq ($(SANITIZE),1)
BUILD := build/asan
CFLAGS_V := $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS_V := -fsanitize=address,undefined
LIBS_V := $(PKG_LIBS) -lm
TARGET := kvd-asan
else
BUILD := build/rel
CFLAGS_V := $(BASE_CFLAGS) $(OPT) -DUSE_JEMALLOC
LDFLAGS_V :=
LIBS_V := $(PKG_LIBS) -ljemalloc -lm
TARGET := kvd
endif

OBJS = $(patsubst %.c,$(BUILD)/%.o,$(ALL_SRC))

.PHONY: all deps run test test-c test-tcl test-oracle test-asan test-fuzz test-clients test-rdb-interop \
        fuzz fuzz-diff bench clean check-layers asan

all: $(TARGET)

deps:
	@bash utils/scripts/install-deps.sh

$(TARGET): $(OBJS)
	$(CC) $(LDFLAGS_V) -o $@ $^ $(LIBS_V)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_V) $(PKG_CFLAGS) -c -o $@ $<

asan:
	@$(MAKE) --no-print-directory SANITIZE=1 kvd-asan

run: deps
	@$(MAKE) --no-print-directory kvd
	./kvd

# ---- C unit tests: each layer linked alone, so an upward call fails to link --------------
TEST_CFLAGS := $(BASE_CFLAGS) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined
TEST_LDFLAGS := -fsanitize=address,undefined -lm
TB := build/test
test_objs = $(patsubst %.c,$(TB)/%.o,$(1))

$(TB)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(TB)/test_utils: $(TB)/tests/c/test_utils.o $(call test_objs,$(UTILS_SRC))
	$(CC) -o $@ $^ $(TEST_LDFLAGS)
$(TB)/test_protocol: $(TB)/tests/c/test_protocol.o $(call test_objs,$(PROTO_SRC) $(UTILS_SRC))
	$(CC) -o $@ $^ $(TEST_LDFLAGS)
$(TB)/test_storage: $(TB)/tests/c/test_storage.o $(call test_objs,$(STORE_SRC) $(PROTO_SRC) $(UTILS_SRC))
	$(CC) -o $@ $^ $(TEST_LDFLAGS)

$(TB)/test_rdb: $(TB)/tests/c/test_rdb.o $(call test_objs,$(STORE_SRC) $(PROTO_SRC) $(UTILS_SRC))
	$(CC) -o $@ $^ $(TEST_LDFLAGS)

C_TESTS := $(TB)/test_utils $(TB)/test_protocol $(TB)/test_storage $(TB)/test_rdb

test-c: $(C_TESTS)
	@for t in $(C_TESTS); do $$t || exit 1; done

# ---- fuzzing: libFuzzer target for the RESP parser; `make test` replays the corpus -------
FB := build/fuzz
FUZZ_CFLAGS := $(BASE_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined
$(FB)/fuzz_resp_parse: tests/fuzz/fuzz_resp_parse.c $(PROTO_SRC) $(UTILS_SRC)
	@mkdir -p $(FB)
	clang $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lm

# RDB loader: corpus of real files (kvd- and Redis-written, old encodings); `make fuzz-rdb`
$(FB)/fuzz_rdb_load: tests/fuzz/fuzz_rdb_load.c $(STORE_SRC) $(PROTO_SRC) $(UTILS_SRC)
	@mkdir -p $(FB)
	clang $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) -lm

fuzz-rdb: $(FB)/fuzz_rdb_load
	@mkdir -p build/fuzz/corpus_rdb
	$(FB)/fuzz_rdb_load -max_total_time=$${SECONDS_BUDGET:-60} build/fuzz/corpus_rdb tests/fuzz/corpus_rdb

# RDB files both ways with redis-server 7.0 and redis-check-rdb (~10 s); build/tools/rdbtool
# is the no-server driver, built with release flags for the size/time figures.
RT := build/tools
$(RT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(OPT) -DUSE_JEMALLOC -c -o $@ $<
$(RT)/rdbtool: $(RT)/tests/tools/rdbtool.o $(patsubst %.c,$(RT)/%.o,$(STORE_SRC) $(PROTO_SRC) $(UTILS_SRC))
	$(CC) -o $@ $^ -ljemalloc -lm

test-rdb-interop: kvd $(RT)/rdbtool
	bash tests/persist/interop.sh

test-fuzz: $(FB)/fuzz_resp_parse $(FB)/fuzz_rdb_load
	@$(FB)/fuzz_resp_parse -runs=0 tests/fuzz/corpus 2>&1 | tail -n 1
	@$(FB)/fuzz_rdb_load -runs=0 tests/fuzz/corpus_rdb 2>&1 | tail -n 1

fuzz: $(FB)/fuzz_resp_parse
	@mkdir -p build/fuzz/corpus
	$(FB)/fuzz_resp_parse -max_total_time=$${SECONDS_BUDGET:-60} build/fuzz/corpus tests/fuzz/corpus

# ---- integration tests ----------------------------------------------------------------
# Load generator for blocking.tcl's 10,000- and 100,000-client tests: it measures the server,
# it is not under test, so plain -O2 and no sanitizer.
build/helpers/blockload: tests/helpers/blockload.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -o $@ $<

test-tcl: kvd build/helpers/blockload
	KVD_BIN=$(CURDIR)/kvd tclsh tests/harness/run.tcl

test-oracle: kvd
	KVD_BIN=$(CURDIR)/kvd tclsh tests/oracle/diff.tcl --seed $${SEED:-1} --ops $${OPS:-3000}

fuzz-diff: kvd
	KVD_BIN=$(CURDIR)/kvd tclsh tests/oracle/diff.tcl --seed $${SEED:-$$RANDOM} --ops $${OPS:-20000}

test-asan: build/helpers/blockload
	@$(MAKE) --no-print-directory SANITIZE=1 kvd-asan
	KVD_BIN=$(CURDIR)/kvd-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tclsh tests/harness/run.tcl --asan --tags -timing

# hiredis client test (tests/clients/hiredis_test.c): a test program, not under test itself
build/clients/hiredis_test: tests/clients/hiredis_test.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g $(shell pkg-config --cflags hiredis) -o $@ $< $(shell pkg-config --libs hiredis)

test-clients: kvd build/clients/hiredis_test
	KVD_BIN=$(CURDIR)/kvd bash tests/clients/run.sh

# Celery (worker, beat, acks_late redelivery, 2,000-task benchmark vs redis-server) and RQ; ~45 s
.PHONY: test-celery
test-celery: kvd
	KVD_BIN=$(CURDIR)/kvd bash tests/clients/celery/run.sh
	KVD_BIN=$(CURDIR)/kvd bash tests/clients/rq/run.sh

test: deps
	@$(MAKE) --no-print-directory check-layers
	@$(MAKE) --no-print-directory kvd
	@$(MAKE) --no-print-directory test-c
	@$(MAKE) --no-print-directory test-fuzz
	@$(MAKE) --no-print-directory test-tcl
	@$(MAKE) --no-print-directory test-oracle
	@$(MAKE) --no-print-directory test-clients
	@$(MAKE) --no-print-directory test-celery
	@$(MAKE) --no-print-directory test-rdb-interop
	@$(MAKE) --no-print-directory test-asan
	@echo "make test: all suites passed"

check-layers:
	@if grep -n -E '#include *[<"](event2/|sys/socket\.h|netinet/|server/)' \
	      protocol/*.[ch] storage/*.[ch] utils/*.[ch] 2>/dev/null; then \
	  echo "layering violation: only server/ may see libevent, sockets or server/"; exit 1; fi
	@if grep -n -E '#include *"storage/' protocol/*.[ch] utils/*.[ch] 2>/dev/null; then \
	  echo "layering violation: protocol/ and utils/ may not include storage/"; exit 1; fi
	@if grep -n -E '#include *"protocol/' utils/*.[ch] 2>/dev/null; then \
	  echo "layering violation: utils/ may not include protocol/"; exit 1; fi

bench: kvd
	bash utils/scripts/bench

clean:
	rm -rf build kvd kvd-asan

-include $(shell find build -name '*.d' 2>/dev/null)
