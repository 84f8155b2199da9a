// The last include of every source file in src/core: the pure rules there
// (tenant names, token format) are unit-tested without a server, so they may
// not depend on PostgreSQL.  A PostgreSQL header included before this one, by
// the file or by anything it includes, fails the build here, in the PGXS
// build as in the CMake one (whose unit-test target has no server headers).
#if defined(POSTGRES_H) || defined(C_H) || defined(PG_VERSION_NUM)
#error "src/core is pure C++: it must not include PostgreSQL headers (use src/pg for glue)"
#endif
