//! The shared look: the app shell (navigation, header), and one set of
//! table, form and feedback components every page uses, so the pages stay
//! consistent and accessible by construction.

pub mod feedback;
pub mod form;
pub mod page;
pub mod shell;
pub mod table;
pub mod toast;
