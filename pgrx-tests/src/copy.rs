//! Writes rows in PostgreSQL's COPY text format, the fastest way to load millions of rows with psql.

use std::io::{self, Write};

use chrono::{NaiveDate, NaiveDateTime};

/// One `COPY table (columns) FROM stdin;` block at a time.
pub struct CopyWriter<W: Write> {
    out: W,
    in_block: bool,
    first_field: bool,
    pub rows: u64,
}

impl<W: Write> CopyWriter<W> {
    pub fn new(out: W) -> Self {
        Self { out, in_block: false, first_field: true, rows: 0 }
    }

    pub fn raw(&mut self, sql: &str) -> io::Result<()> {
        self.close_block()?;
        writeln!(self.out, "{sql}")
    }

    pub fn begin(&mut self, table: &str, columns: &[&str]) -> io::Result<()> {
        self.close_block()?;
        writeln!(self.out, "COPY {table} ({}) FROM stdin;", columns.join(", "))?;
        self.in_block = true;
        Ok(())
    }

    fn close_block(&mut self) -> io::Result<()> {
        if self.in_block {
            writeln!(self.out, "\\.")?;
            self.in_block = false;
        }
        Ok(())
    }

    fn separator(&mut self) -> io::Result<()> {
        if self.first_field {
            self.first_field = false;
            Ok(())
        } else {
            self.out.write_all(b"\t")
        }
    }

    pub fn null(&mut self) -> io::Result<&mut Self> {
        self.separator()?;
        self.out.write_all(b"\\N")?;
        Ok(self)
    }

    pub fn int(&mut self, value: i64) -> io::Result<&mut Self> {
        self.separator()?;
        write!(self.out, "{value}")?;
        Ok(self)
    }

    pub fn opt_int(&mut self, value: Option<i64>) -> io::Result<&mut Self> {
        match value {
            Some(value) => self.int(value),
            None => self.null(),
        }
    }

    /// A money amount, rounded to cents as Odoo rounds to the currency's precision.
    pub fn money(&mut self, value: f64) -> io::Result<&mut Self> {
        self.separator()?;
        let cents = (value * 100.0).round() as i64;
        let sign = if cents < 0 { "-" } else { "" };
        write!(self.out, "{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)?;
        Ok(self)
    }

    pub fn float(&mut self, value: f64) -> io::Result<&mut Self> {
        self.separator()?;
        write!(self.out, "{value:.4}")?;
        Ok(self)
    }

    pub fn boolean(&mut self, value: bool) -> io::Result<&mut Self> {
        self.separator()?;
        self.out.write_all(if value { b"t" } else { b"f" })?;
        Ok(self)
    }

    pub fn text(&mut self, value: &str) -> io::Result<&mut Self> {
        self.separator()?;
        for byte in value.bytes() {
            match byte {
                b'\\' => self.out.write_all(b"\\\\")?,
                b'\t' => self.out.write_all(b"\\t")?,
                b'\n' => self.out.write_all(b"\\n")?,
                b'\r' => self.out.write_all(b"\\r")?,
                _ => self.out.write_all(&[byte])?,
            }
        }
        Ok(self)
    }

    pub fn opt_text(&mut self, value: Option<&str>) -> io::Result<&mut Self> {
        match value {
            Some(value) => self.text(value),
            None => self.null(),
        }
    }

    pub fn date(&mut self, value: NaiveDate) -> io::Result<&mut Self> {
        self.separator()?;
        write!(self.out, "{}", value.format("%Y-%m-%d"))?;
        Ok(self)
    }

    pub fn opt_date(&mut self, value: Option<NaiveDate>) -> io::Result<&mut Self> {
        match value {
            Some(value) => self.date(value),
            None => self.null(),
        }
    }

    pub fn timestamp(&mut self, value: NaiveDateTime) -> io::Result<&mut Self> {
        self.separator()?;
        write!(self.out, "{}", value.format("%Y-%m-%d %H:%M:%S"))?;
        Ok(self)
    }

    pub fn opt_timestamp(&mut self, value: Option<NaiveDateTime>) -> io::Result<&mut Self> {
        match value {
            Some(value) => self.timestamp(value),
            None => self.null(),
        }
    }

    pub fn end_row(&mut self) -> io::Result<()> {
        self.out.write_all(b"\n")?;
        self.first_field = true;
        self.rows += 1;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.close_block()?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_special_characters_and_writes_nulls_and_money() {
        let mut writer = CopyWriter::new(Vec::new());
        writer.begin("t", &["a", "b", "c", "d"]).unwrap();
        writer.text("tab\there\\ and\nnewline").unwrap().null().unwrap().money(-12.345).unwrap().money(0.5).unwrap();
        writer.end_row().unwrap();
        let out = String::from_utf8(writer.finish().unwrap()).unwrap();
        assert_eq!(out, "COPY t (a, b, c, d) FROM stdin;\ntab\\there\\\\ and\\nnewline\t\\N\t-12.35\t0.50\n\\.\n");
    }
}
