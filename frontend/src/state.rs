//! Application state: the pure rules the pages follow (navigation by role,
//! paging, form drafts, server objects) and, in the browser, the signed-in
//! session shared through Leptos context.

pub mod forms;
pub mod models;
pub mod nav;
pub mod paging;
#[cfg(target_arch = "wasm32")]
pub mod session;
