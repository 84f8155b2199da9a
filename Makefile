# PGXS build of wellness_tenancy: `make`, `make install`, `make installcheck`.
# The same sources are built by CMakeLists.txt, which also runs the unit tests.

EXTENSION = wellness_tenancy
MODULE_big = wellness_tenancy
# The support function of the guarded built-ins lives in a library of its own
# that loads in any server (src/pg/guard_library/wellness_tenancy_guard.cpp).
MODULES = src/pg/guard_library/wellness_tenancy_guard
# Sources by concern (docs/design.md): pg/ (module entry, PostgreSQL headers,
# C++/PostgreSQL boundary, private internals), core/ (pure C++, no PostgreSQL
# header: src/core/pure.hpp fails the build otherwise), enforcement/ (hooks,
# tenant context, registry), observability/, admin/ (provisioning,
# migrations, grants), citus/.
SRC_DIRS = $(sort $(dir $(wildcard src/*/*.cpp src/*/*.hpp)))
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard src/*/*.cpp)))
PG_CPPFLAGS += $(patsubst %/,-I%,$(SRC_DIRS))

# Versioned scripts, assembled from the SQL source tree (CONTRIBUTING.md):
# one file per object under sql/objects/, and per script a manifest under
# sql/manifests/ that sql/assemble.sh expands.  The 1.0 and 1.0--1.1 scripts
# are committed history: test/check-sql-tree.sh proves the manifests still
# reproduce them byte for byte.  The full scripts of later versions are 1.0
# plus the update scripts, so that a fresh install and an upgraded database
# run exactly the same statements.
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

# The hooks run on every statement; their small helpers live in several
# files.  Link-time optimisation lets the compiler inline across files, and
# without semantic interposition (nothing preloads a replacement for our own
# functions) calls inside the module are direct and inlinable.  Fat objects:
# the small guard library (MODULES) is linked without LTO.
PG_CXXFLAGS += -flto=auto -ffat-lto-objects -fno-semantic-interposition
SHLIB_LINK += -flto=auto -fno-semantic-interposition

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

# Dependencies: the manifest, the assembler and every file the manifest
# includes.
MANIFEST_1_2 = sql/manifests/wellness_tenancy--1.1--1.2.manifest
sql/wellness_tenancy--1.1--1.2.sql: $(MANIFEST_1_2) sql/assemble.sh $(shell bash sql/assemble.sh --list $(MANIFEST_1_2))
	bash sql/assemble.sh $< > $@.tmp && mv $@.tmp $@

sql/wellness_tenancy--1.2.sql: sql/wellness_tenancy--1.1.sql sql/wellness_tenancy--1.1--1.2.sql
	cat $^ > $@
