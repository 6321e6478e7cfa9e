//! The C ABI of a result set's column metadata: name, types, precision, scale, nullability, display
//! size.

use super::args::{out_ptr, write_out};
use super::guard::status_call;
use super::handle::{on_result, pconn_result};
use super::status::pconn_status;
use crate::odbc::result_set::ColumnInfo;
use std::ffi::{c_char, c_int};

/// Writes the driver's name for the type of column `column` (from 1) to `*out_name`
/// (`SQL_DESC_TYPE_NAME`: psqlODBC says `int4`, `text`…; what ext/odbc's `odbc_field_type` shows).
/// NUL-terminated, owned by pconn, valid until the next call on this result's link.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_type_name(result: pconn_result, column: u16, out_name: *mut *const c_char) -> pconn_status {
    status_call(|| {
        let out_name = out_ptr(out_name, "out_name")?;
        let name = on_result(result, |l, slot| {
            let name = l.result_set_mut(slot)?.column_type_name(column)?;
            Ok(l.hand_out_text(name).as_ptr())
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_name, name) };
        Ok(())
    })
}

fn column_info<T>(result: pconn_result, column: u16, out: *mut T, read: impl FnOnce(&ColumnInfo) -> T) -> pconn_status {
    status_call(|| {
        let out = out_ptr(out, "out")?;
        let value = on_result(result, |l, slot| Ok(read(l.result_set_mut(slot)?.column(column)?)))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out, value) };
        Ok(())
    })
}

/// Writes the name of column `column` (from 1) to `*out_name`: NUL-terminated UTF-8, owned by pconn,
/// valid until `pconn_result_next` or `pconn_result_free` on this result.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_name(result: pconn_result, column: u16, out_name: *mut *const c_char) -> pconn_status {
    column_info(result, column, out_name, |info| info.name.as_ptr())
}

/// Writes the ODBC SQL type code of column `column` (`SQL_INTEGER` 4, `SQL_VARCHAR` 12,
/// `SQL_WVARCHAR` -9, …) to `*out_type`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_type(result: pconn_result, column: u16, out_type: *mut c_int) -> pconn_status {
    column_info(result, column, out_type, |info| c_int::from(info.sql_type))
}

/// Writes the precision (column size: characters for text, digits for numbers; 0 when unknown) of
/// column `column` to `*out_precision`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_precision(result: pconn_result, column: u16, out_precision: *mut i64) -> pconn_status {
    column_info(result, column, out_precision, |info| info.precision as i64)
}

/// Writes the scale (decimal digits) of column `column` to `*out_scale`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_scale(result: pconn_result, column: u16, out_scale: *mut c_int) -> pconn_status {
    column_info(result, column, out_scale, |info| c_int::from(info.scale))
}

/// Writes 1 to `*out_nullable` when column `column` may hold NULL, 0 when it cannot, -1 when the
/// driver does not know.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_nullable(result: pconn_result, column: u16, out_nullable: *mut c_int) -> pconn_status {
    column_info(result, column, out_nullable, |info| info.nullable.map_or(-1, c_int::from))
}

/// Writes the display size of column `column` (the most characters a value needs) to
/// `*out_size`.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_display_size(result: pconn_result, column: u16, out_size: *mut i64) -> pconn_status {
    status_call(|| {
        let out_size = out_ptr(out_size, "out_size")?;
        let size = on_result(result, |l, slot| l.result_set_mut(slot)?.column_display_size(column))?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_size, size) };
        Ok(())
    })
}

/// Writes the numeric value of `SQLColAttribute(column, field)` to `*out_value` (the driver's
/// SQLLEN, widened). Only the numeric field identifiers are allowed: SQL_COLUMN_LENGTH 3,
/// SQL_COLUMN_PRECISION 4 and SQL_COLUMN_SCALE 5 (ODBC 2: what ext/odbc's `odbc_field_len`,
/// `odbc_field_precision` and `odbc_field_scale` show), SQL_DESC_CONCISE_TYPE 2,
/// SQL_DESC_DISPLAY_SIZE 6, SQL_DESC_UNSIGNED 8, SQL_DESC_FIXED_PREC_SCALE 9, SQL_DESC_UPDATABLE
/// 10, SQL_DESC_AUTO_UNIQUE_VALUE 11, SQL_DESC_CASE_SENSITIVE 12, SQL_DESC_SEARCHABLE 13,
/// SQL_DESC_NUM_PREC_RADIX 32, SQL_DESC_TYPE 1002, SQL_DESC_LENGTH 1003, SQL_DESC_PRECISION
/// 1005, SQL_DESC_SCALE 1006, SQL_DESC_NULLABLE 1008, SQL_DESC_OCTET_LENGTH 1013; any other
/// returns `PCONN_INVALID_ARGUMENT`. `column` from 1.
#[unsafe(no_mangle)]
pub extern "C" fn pconn_column_attribute(result: pconn_result, column: u16, field: u16, out_value: *mut i64) -> pconn_status {
    status_call(|| {
        let out_value = out_ptr(out_value, "out_value")?;
        let value = on_result(result, |l, slot| {
            let read = l.result_set_mut(slot)?.column_attribute(column, field);
            l.note(read)
        })?;
        // SAFETY: checked non-NULL above.
        unsafe { write_out(out_value, value) };
        Ok(())
    })
}
