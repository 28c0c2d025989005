#pragma once
// The SQLite schema and its migrations. Version N of the schema is reached by applying migrations 1..N in order,
// each in its own transaction together with the bump of `schema_version`.
#include "store/sqlite/connection.h"

namespace podbucket::store::sqlite {

/// The schema version this binary writes.
int current_schema_version();

/// Brings the database up to current_schema_version(). Throws Unavailable if the database is newer than this
/// binary or a migration fails (the failed migration is rolled back).
void migrate(Connection& conn);

}  // namespace podbucket::store::sqlite
