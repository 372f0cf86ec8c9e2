//! `schema.graphql` is generated from the server and committed; drift fails here.

#[test]
fn schema_graphql_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema.graphql");
    let generated = format!(
        "# Generated from the server by the `schema_graphql_is_up_to_date` test: do not edit.\n\n{}",
        api::graphql::sdl()
    );
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        std::fs::write(&path, &generated).expect("rewriting schema.graphql");
        panic!("schema.graphql was out of date and has been rewritten: review and commit it");
    }
}
