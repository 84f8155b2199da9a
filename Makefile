# PGXS build of wellness_tenancy: `make`, `make install`, `make installcheck`.
# The same sources are built by CMakeLists.txt, which also runs the unit tests.

EXTENSION = wellness_tenancy
MODULE_big = wellness_tenancy
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard src/*.cpp)))

# Versioned scripts.  The full scripts of later versions are built from 1.0
# plus the update scripts, so that a fresh install and an upgraded database run
# exactly the same statements.  The 1.1--1.2 update is assembled from the
# fragments in sql/1.2/, in file-name order.
BUILT_SCRIPTS = sql/wellness_tenancy--1.1.sql sql/wellness_tenancy--1.2.sql sql/wellness_tenancy--1.1--1.2.sql
DATA = $(filter-out $(BUILT_SCRIPTS),$(wildcard sql/wellness_tenancy--*.sql))
DATA_built = $(BUILT_SCRIPTS)
EXTRA_CLEAN = $(BUILT_SCRIPTS)

# pg_regress cases: listed in test/schedule (test/check-schedule.sh fails when
# a case in sql/ is missing from it).
REGRESS = $(shell sed -n 's/^test: *//p' test/schedule)
REGRESS_OPTS = --load-extension=wellness_tenancy

# isolation tester specs in specs/, expected output in expected/.
ISOLATION = $(basename $(notdir $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=wellness_tenancy

# PostgreSQL 15's headers still say `register`, which C++17 removed.
PG_CXXFLAGS += -std=c++17 -Wno-register -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK += -lstdc++

# Debian's PostgreSQL is built with LLVM and would also compile our sources to
# JIT bitcode with clang and C++14.  The module has nothing worth inlining into
# JIT-compiled expressions, so it is built as plain native code.
override with_llvm = no

# Rebuild objects when a header changes (Debian's PGXS leaves this off).
override autodepend = yes

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS names the test databases after contrib; ours say what they are.
CONTRIB_TESTDB = wt_regression
ISOLATION_TESTDB = wt_isolation

sql/wellness_tenancy--1.1.sql: sql/wellness_tenancy--1.0.sql sql/wellness_tenancy--1.0--1.1.sql
	cat $^ > $@

sql/wellness_tenancy--1.1--1.2.sql: $(sort $(wildcard sql/1.2/*.sql))
	{ printf '%s\n' '\echo Use "ALTER EXTENSION wellness_tenancy UPDATE TO '"'"'1.2'"'"'" to load this file. \quit'; cat $^; } > $@

sql/wellness_tenancy--1.2.sql: sql/wellness_tenancy--1.1.sql sql/wellness_tenancy--1.1--1.2.sql
	cat $^ > $@
