//! Selection rules (keep or drop imported records) and split rules (cut an upload into
//! several lists): list, read, create, replace and delete. Thin resolvers over
//! `workers::rules`.

use async_graphql::{Context, ID, Object};
use domain::selection::SelectionSpec;
use domain::split::SplitSpec;
use workers::rules;

use crate::graphql::accounts::parse_id;
use crate::graphql::error::GraphqlResultExt;
use crate::graphql::{principal, services};

mod types;

pub use types::{
    ConditionInput, ConditionSetInput, NamedSelectionInput, SelectionOperator, SelectionRule,
    SelectionRuleInput, SplitKind, SplitRule, SplitRuleInput,
};

/// Rule queries (any role that reads lists).
#[derive(Default)]
pub struct RulesQuery;

#[Object]
impl RulesQuery {
    /// The tenant's selection rules by name.
    async fn selection_rules(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<SelectionRule>> {
        let principal = principal(ctx)?;
        let saved = rules::list::<SelectionSpec>(services(ctx), principal)
            .await
            .gql()?;
        Ok(saved.into_iter().map(SelectionRule).collect())
    }

    /// One selection rule.
    async fn selection_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule's id.")] id: ID,
    ) -> async_graphql::Result<SelectionRule> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        rules::get(services(ctx), principal, id)
            .await
            .map(SelectionRule)
            .gql()
    }

    /// The tenant's split rules by name.
    async fn split_rules(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SplitRule>> {
        let principal = principal(ctx)?;
        let saved = rules::list::<SplitSpec>(services(ctx), principal)
            .await
            .gql()?;
        Ok(saved.into_iter().map(SplitRule).collect())
    }

    /// One split rule.
    async fn split_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule's id.")] id: ID,
    ) -> async_graphql::Result<SplitRule> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        rules::get(services(ctx), principal, id)
            .await
            .map(SplitRule)
            .gql()
    }
}

/// Rule mutations (LIST_MANAGER, ADMIN); each is audited.
#[derive(Default)]
pub struct RulesMutation;

#[Object]
impl RulesMutation {
    /// Saves a selection rule.
    async fn create_selection_rule(
        &self,
        ctx: &Context<'_>,
        input: SelectionRuleInput,
    ) -> async_graphql::Result<SelectionRule> {
        let principal = principal(ctx)?;
        rules::create(services(ctx), principal, input.into_rule())
            .await
            .map(SelectionRule)
            .gql()
    }

    /// Replaces a selection rule's name, description and condition sets.
    async fn update_selection_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule's id.")] id: ID,
        input: SelectionRuleInput,
    ) -> async_graphql::Result<SelectionRule> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        rules::update(services(ctx), principal, id, input.into_rule())
            .await
            .map(SelectionRule)
            .gql()
    }

    /// Deletes a selection rule (imports already queued keep what they were given).
    async fn delete_selection_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let principal = principal(ctx)?;
        let rule_id = parse_id("id", &id)?;
        rules::delete::<SelectionSpec>(services(ctx), principal, rule_id)
            .await
            .gql()?;
        Ok(id)
    }

    /// Saves a split rule.
    async fn create_split_rule(
        &self,
        ctx: &Context<'_>,
        input: SplitRuleInput,
    ) -> async_graphql::Result<SplitRule> {
        let principal = principal(ctx)?;
        let input = input.into_rule().gql()?;
        rules::create(services(ctx), principal, input)
            .await
            .map(SplitRule)
            .gql()
    }

    /// Replaces a split rule's name, description and parameters.
    async fn update_split_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule's id.")] id: ID,
        input: SplitRuleInput,
    ) -> async_graphql::Result<SplitRule> {
        let principal = principal(ctx)?;
        let id = parse_id("id", &id)?;
        let input = input.into_rule().gql()?;
        rules::update(services(ctx), principal, id, input)
            .await
            .map(SplitRule)
            .gql()
    }

    /// Deletes a split rule (imports already queued keep what they were given).
    async fn delete_split_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The rule's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let principal = principal(ctx)?;
        let rule_id = parse_id("id", &id)?;
        rules::delete::<SplitSpec>(services(ctx), principal, rule_id)
            .await
            .gql()?;
        Ok(id)
    }
}
