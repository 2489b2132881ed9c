//! `#[pg_test]`s: code that needs a backend. Each test runs in a transaction that is rolled back.

use pgrx::prelude::*;

#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn extension_installs_every_table_view_and_index() {
        let tables = Spi::get_one::<i64>("SELECT count(*) FROM pg_tables WHERE schemaname = 'odoo_mirror'");
        assert_eq!(tables, Ok(Some(crate::catalog::TABLES.len() as i64)));
        let views = Spi::get_one::<i64>("SELECT count(*) FROM pg_views WHERE schemaname = 'odoo_mirror'");
        assert_eq!(views, Ok(Some(crate::catalog::VIEWS.len() as i64)));
    }
}
