//! Limits on a document's shape that depth and complexity miss: aliases.
//! `{ a1: me { id } a2: me { id } … }` is shallow and cheap by complexity yet
//! runs one resolver (and its store round trips) per alias, so the
//! [`Limits`] extension refuses a document with more than [`MAX_FIELDS`]
//! field selections right after parsing, and an operation with more than
//! [`MAX_ROOT_FIELDS`] root fields right after validation (so depth and
//! complexity, when also exceeded, are what the client hears of) — both
//! before any resolver runs.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, ServerError, ServerResult, ValidationResult, Variables};

use super::error::ApiError;

/// Most root fields one operation may select, aliases and fragments included:
/// the SPA's largest screen needs a handful, an alias flood needs hundreds.
pub const MAX_ROOT_FIELDS: usize = 50;

/// Most field selections a whole document may write (every operation and
/// fragment, each counted once): bounds validation work on documents of
/// many operations that complexity, measured on one operation, never sees.
pub const MAX_FIELDS: usize = 2_000;

/// Refuses documents over [`MAX_ROOT_FIELDS`] or [`MAX_FIELDS`] with `BAD_USER_INPUT`.
pub struct Limits;

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsOnce::default())
    }
}

/// One request's check: the root-field verdict waits here from parsing to validation.
#[derive(Default)]
struct LimitsOnce {
    /// Too many root fields, found while parsing, reported after validation.
    pending: Mutex<Option<ApiError>>,
}

/// An API error as a request-level GraphQL error.
fn refusal(error: &ApiError) -> ServerError {
    let mut refused = ServerError::new(error.to_string(), None);
    refused.extensions = error.extend().extensions;
    refused
}

#[async_trait::async_trait]
impl Extension for LimitsOnce {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        check_fields(&document).map_err(|error| refusal(&error))?;
        let roots = check_roots(&document).err();
        if let Ok(mut pending) = self.pending.lock() {
            *pending = roots;
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = next.run(ctx).await?;
        let pending = self
            .pending
            .lock()
            .ok()
            .and_then(|mut pending| pending.take());
        match pending {
            Some(error) => Err(vec![refusal(&error)]),
            None => Ok(validated),
        }
    }
}

/// The document's written fields against [`MAX_FIELDS`].
fn check_fields(document: &ExecutableDocument) -> Result<(), ApiError> {
    let written = document
        .operations
        .iter()
        .map(|(_, operation)| count_fields(&operation.node.selection_set.node))
        .chain(
            document
                .fragments
                .values()
                .map(|fragment| count_fields(&fragment.node.selection_set.node)),
        )
        .fold(0usize, usize::saturating_add);
    if written > MAX_FIELDS {
        return Err(ApiError::BadUserInput {
            field: None,
            message: format!(
                "the document selects {written} fields; at most {MAX_FIELDS} are allowed"
            ),
        });
    }
    Ok(())
}

/// Every operation's root fields against [`MAX_ROOT_FIELDS`].
fn check_roots(document: &ExecutableDocument) -> Result<(), ApiError> {
    for (name, operation) in document.operations.iter() {
        let mut expanding = HashSet::new();
        let roots = count_roots(document, &operation.node.selection_set.node, &mut expanding);
        if roots > MAX_ROOT_FIELDS {
            let which = name.map_or_else(String::new, |name| format!(" {name}"));
            return Err(ApiError::BadUserInput {
                field: None,
                message: format!(
                    "the operation{which} selects {roots} root fields (aliases included); \
                     at most {MAX_ROOT_FIELDS} are allowed"
                ),
            });
        }
    }
    Ok(())
}

/// Field selections written in a selection set, nested ones included (spreads not followed).
fn count_fields(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|selection| match &selection.node {
            Selection::Field(field) => 1 + count_fields(&field.node.selection_set.node),
            Selection::InlineFragment(inline) => count_fields(&inline.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .fold(0, usize::saturating_add)
}

/// Fields a selection set selects at its own level, through inline fragments
/// and fragment spreads (a fragment already being expanded counts nothing:
/// cycles are validation's to report).
fn count_roots<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    expanding: &mut HashSet<&'a str>,
) -> usize {
    let mut count = 0usize;
    for selection in &set.items {
        count = count.saturating_add(match &selection.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(inline) => {
                count_roots(document, &inline.node.selection_set.node, expanding)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                match document.fragments.get(&spread.node.fragment_name.node) {
                    Some(fragment) if expanding.insert(name) => {
                        let inner =
                            count_roots(document, &fragment.node.selection_set.node, expanding);
                        expanding.remove(name);
                        inner
                    }
                    _ => 0,
                }
            }
        });
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(query: &str) -> Result<(), ApiError> {
        let document = async_graphql::parser::parse_query(query).expect("a valid document");
        check_fields(&document)?;
        check_roots(&document)
    }

    fn aliases(n: usize) -> String {
        (0..n)
            .map(|i| format!("m{i}: me {{ email }}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn root_fields_are_counted_through_aliases_and_fragments() {
        assert!(checked(&format!("{{ {} }}", aliases(50))).is_ok());
        assert!(checked(&format!("{{ {} }}", aliases(51))).is_err());
        // 26 + 25 through a fragment spread and an inline fragment.
        let split = format!(
            "query {{ ...F ... {{ {} }} }} fragment F on Query {{ {} }}",
            aliases(25),
            aliases(26)
        );
        assert!(checked(&split).is_err());
        // A cycle of fragments neither loops nor counts twice.
        assert!(checked("query { ...A } fragment A on Query { me { email } ...A }").is_ok());
    }

    #[test]
    fn fields_written_are_capped_per_document() {
        let wide = (0..MAX_FIELDS)
            .map(|i| format!("f{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(checked(&format!("{{ me {{ {wide} }} }}")).is_err());
        assert!(checked("{ me { email tenant { id name } } }").is_ok());
    }
}
