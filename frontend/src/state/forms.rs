//! The create forms' drafts: what the user typed, checked before sending,
//! turned into the typed mutation input.
//!
//! Client-side checks only catch what is obviously missing; the server has
//! the last word and its field errors land next to the same fields.

use std::collections::BTreeSet;

use crate::api::error::FieldError;
use crate::api::operations::{create_api_client, create_user};
use crate::api::schema_types::{ApiScope, UserRole};

/// The "Sign in" form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginDraft {
    /// E-mail address as typed.
    pub email: String,
    /// Password as typed (never trimmed: spaces may be part of it).
    pub password: String,
}

impl LoginDraft {
    /// The problems that make sending pointless.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.email.trim().is_empty() {
            problems.push(field_error("email", "Enter your e-mail address."));
        }
        if self.password.is_empty() {
            problems.push(field_error("password", "Enter your password."));
        }
        problems
    }
}

/// The "New user" form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUserDraft {
    /// E-mail address, also the login.
    pub email: String,
    /// Name shown in tables and the audit log.
    pub display_name: String,
    /// The role to grant.
    pub role: UserRole,
    /// Initial password.
    pub password: String,
}

impl Default for NewUserDraft {
    fn default() -> Self {
        NewUserDraft {
            email: String::new(),
            display_name: String::new(),
            // The least privileged role: granting more is a deliberate choice.
            role: UserRole::Viewer,
            password: String::new(),
        }
    }
}

impl NewUserDraft {
    /// The problems that make sending pointless, keyed by GraphQL field name.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let email = self.email.trim();
        if email.is_empty() {
            problems.push(field_error("email", "Enter an e-mail address."));
        } else if !looks_like_email(email) {
            problems.push(field_error("email", "This is not an e-mail address."));
        }
        if self.display_name.trim().is_empty() {
            problems.push(field_error("displayName", "Enter a name."));
        }
        if self.password.is_empty() {
            problems.push(field_error("password", "Enter an initial password."));
        }
        problems
    }

    /// The mutation input, with surrounding spaces removed from the text fields.
    pub fn to_input(&self) -> create_user::CreateUserInput {
        create_user::CreateUserInput {
            email: self.email.trim().to_owned(),
            display_name: self.display_name.trim().to_owned(),
            role: self.role,
            password: self.password.clone(),
        }
    }
}

/// The "New API client" form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewApiClientDraft {
    /// A name that says which dialer or gateway uses the key.
    pub name: String,
    /// The scopes ticked (a set ordered as the form lists them).
    pub scopes: BTreeSet<ApiScope>,
}

impl NewApiClientDraft {
    /// Ticks or unticks `scope`.
    pub fn set_scope(&mut self, scope: ApiScope, granted: bool) {
        if !ApiScope::GRANTABLE.contains(&scope) {
            return;
        }
        if granted {
            self.scopes.insert(scope);
        } else {
            self.scopes.remove(&scope);
        }
    }

    /// Whether `scope` is ticked.
    pub fn has_scope(&self, scope: ApiScope) -> bool {
        self.scopes.contains(&scope)
    }

    /// The problems that make sending pointless.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(field_error("name", "Enter a name."));
        }
        if self.scopes.is_empty() {
            problems.push(field_error("scopes", "Choose at least one scope."));
        }
        problems
    }

    /// The mutation input.
    pub fn to_input(&self) -> create_api_client::CreateApiClientInput {
        create_api_client::CreateApiClientInput {
            name: self.name.trim().to_owned(),
            scopes: self.scopes.iter().copied().collect(),
        }
    }
}

/// A ready-to-paste `curl` that asks the server at `origin` whether one
/// record may be dialled, with `key` in `X-API-Key`: what a dialer's
/// integrator runs first with a new key. Values are single-quoted for a POSIX shell.
pub fn validate_curl_example(origin: &str, key: &str) -> String {
    let url = format!("{}/ocs/v1/validate", origin.trim_end_matches('/'));
    let record = r#"{"GSW_PHONE":"+12127365000","GSW_CUSTOMER_ID":"C-1"}"#;
    format!(
        "curl -i -X POST {} \\\n  -H {} \\\n  -H 'Content-Type: application/json' \\\n  -d {}",
        shell_quote(&url),
        shell_quote(&format!("X-API-Key: {key}")),
        shell_quote(record)
    )
}

/// `text` in single quotes, each `'` written as `'\''`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A problem with one field, shaped like the server's field errors.
pub fn field_error(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

/// The `defaultCountry` of a form's "country of numbers without a code"
/// field: the upper-cased two-letter ISO code, `Ok(None)` when left empty,
/// `Err` with the message to show when it is not two letters.
pub fn default_country(text: &str) -> Result<Option<String>, &'static str> {
    let country = text.trim();
    if country.is_empty() {
        Ok(None)
    } else if country.len() == 2 && country.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(Some(country.to_ascii_uppercase()))
    } else {
        Err("A two-letter ISO country code, e.g. US, or empty.")
    }
}

/// A cheap shape check (one `@`, something on both sides, a dot after it);
/// the server validates properly.
fn looks_like_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.contains('@') && !email.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_countries_are_two_letters_or_nothing() {
        assert_eq!(default_country(" us "), Ok(Some("US".to_owned())));
        assert_eq!(default_country(""), Ok(None));
        assert!(default_country("USA").is_err());
        assert!(default_country("1A").is_err());
    }

    fn fields(problems: &[FieldError]) -> Vec<&str> {
        problems
            .iter()
            .map(|problem| problem.field.as_str())
            .collect()
    }

    #[test]
    fn an_empty_login_names_both_fields() {
        assert_eq!(
            fields(&LoginDraft::default().problems()),
            vec!["email", "password"]
        );
        let filled = LoginDraft {
            email: "a@b.c".to_owned(),
            password: " ".to_owned(),
        };
        assert!(filled.problems().is_empty());
    }

    #[test]
    fn new_user_drafts_are_checked_and_trimmed() {
        assert_eq!(
            fields(&NewUserDraft::default().problems()),
            vec!["email", "displayName", "password"]
        );
        let draft = NewUserDraft {
            email: "  ada@example.com ".to_owned(),
            display_name: " Ada ".to_owned(),
            role: UserRole::Supervisor,
            password: " secret ".to_owned(),
        };
        assert!(draft.problems().is_empty());
        let input = draft.to_input();
        assert_eq!(input.email, "ada@example.com");
        assert_eq!(input.display_name, "Ada");
        assert_eq!(input.password, " secret ");
        assert_eq!(input.role, UserRole::Supervisor);
    }

    #[test]
    fn email_shapes() {
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "a@b@c.d",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
        assert!(looks_like_email("ada@example.com"));
        assert!(looks_like_email("admin@localhost.localdomain"));
    }

    #[test]
    fn api_client_scopes_toggle_and_keep_form_order() {
        let mut draft = NewApiClientDraft {
            name: "dialer".to_owned(),
            ..NewApiClientDraft::default()
        };
        assert_eq!(fields(&draft.problems()), vec!["scopes"]);
        draft.set_scope(ApiScope::OcsLease, true);
        draft.set_scope(ApiScope::OcsValidate, true);
        draft.set_scope(ApiScope::Unknown, true);
        assert!(draft.has_scope(ApiScope::OcsLease));
        assert!(draft.problems().is_empty());
        assert_eq!(
            draft.to_input().scopes,
            vec![ApiScope::OcsValidate, ApiScope::OcsLease]
        );
        draft.set_scope(ApiScope::OcsLease, false);
        assert_eq!(draft.to_input().scopes, vec![ApiScope::OcsValidate]);
    }

    #[test]
    fn the_curl_example_posts_one_record_with_the_key() {
        let example = validate_curl_example("http://127.0.0.1:8080/", "rl_abc");
        assert_eq!(
            example,
            "curl -i -X POST 'http://127.0.0.1:8080/ocs/v1/validate' \\\n  \
             -H 'X-API-Key: rl_abc' \\\n  \
             -H 'Content-Type: application/json' \\\n  \
             -d '{\"GSW_PHONE\":\"+12127365000\",\"GSW_CUSTOMER_ID\":\"C-1\"}'"
        );
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
