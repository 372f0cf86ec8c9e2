//! Toasts: short confirmations ("User created") that fade by themselves,
//! announced to screen readers through a polite live region.

use std::time::Duration;

use leptos::prelude::*;

/// How long a toast stays on screen.
const TOAST_LIFETIME: Duration = Duration::from_secs(4);

/// One toast.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Toast {
    id: u64,
    message: String,
}

/// The toast queue, provided once at the app's root.
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// Creates the queue and provides it as context.
    pub fn provide() -> Toasts {
        let toasts = Toasts {
            items: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        };
        provide_context(toasts);
        toasts
    }

    /// The queue provided by `provide`.
    pub fn use_context() -> Toasts {
        expect_context::<Toasts>()
    }

    /// Shows `message` for a few seconds.
    pub fn success(&self, message: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let toast = Toast {
            id,
            message: message.into(),
        };
        self.items.update(|items| items.push(toast));
        let items = self.items;
        set_timeout(
            move || {
                items.try_update(|items| items.retain(|toast| toast.id != id));
            },
            TOAST_LIFETIME,
        );
    }
}

/// Renders the queue in the top-right corner.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = Toasts::use_context();
    view! {
        <div class="toast-region" role="status" aria-live="polite">
            <For
                each=move || toasts.items.get()
                key=|toast| toast.id
                children=|toast| view! { <div class="toast">{toast.message}</div> }
            />
        </div>
    }
}
