//! GraphQL multipart uploads: `POST /graphql` with a `FormData` body holding
//! `operations`, `map` and the file as part `0`. The browser sets the
//! `multipart/form-data` content type with its boundary, so we never do.
//!
//! Also the rejected-rows download, a bearer-authenticated `GET` saved
//! through a Blob object URL, and `save_file` for a document already in hand.

use gloo_net::http::Request;
use graphql_client::GraphQLQuery;
use web_sys::js_sys;
use web_sys::wasm_bindgen::JsCast;

use super::error::{ApiError, ErrorKind, parse_http_response};
use super::http::GRAPHQL_PATH;
use super::multipart::{FILE_MAP, FILE_PART, operations_json};

fn browser_error(what: &str) -> ApiError {
    ApiError::new(
        ErrorKind::Protocol,
        format!("The browser could not {what}."),
    )
}

/// Runs `Operation` with `file` as its `file` variable.
pub async fn execute_with_file<Operation: GraphQLQuery>(
    token: &str,
    variables: Operation::Variables,
    file: &web_sys::Blob,
    file_name: &str,
) -> Result<Operation::ResponseData, ApiError> {
    let operations = operations_json::<Operation>(variables).map_err(|error| {
        ApiError::new(
            ErrorKind::Protocol,
            format!("The request could not be encoded: {error}."),
        )
    })?;
    let form = web_sys::FormData::new().map_err(|_| browser_error("build the upload"))?;
    form.append_with_str("operations", &operations)
        .and_then(|()| form.append_with_str("map", FILE_MAP))
        .and_then(|()| form.append_with_blob_and_filename(FILE_PART, file, file_name))
        .map_err(|_| browser_error("build the upload"))?;
    let request = Request::post(GRAPHQL_PATH)
        .header("Accept", "application/json")
        .header("Authorization", &format!("Bearer {token}"))
        .body(form)
        .map_err(|_| browser_error("build the upload"))?;
    let response = request.send().await.map_err(ApiError::network)?;
    let status = response.status();
    let text = response.text().await.map_err(ApiError::network)?;
    parse_http_response::<Operation::ResponseData>(status, &text)
}

/// Fetches `path` with the bearer token and offers it as a download named
/// `file_name`.
pub async fn download(token: &str, path: &str, file_name: &str) -> Result<(), ApiError> {
    let response = Request::get(path)
        .header("Authorization", &format!("Bearer {token}"))
        .send()
        .await
        .map_err(ApiError::network)?;
    if !response.ok() {
        return Err(ApiError::from_http_status(response.status()));
    }
    let bytes = response.binary().await.map_err(ApiError::network)?;
    save_file(&bytes, "text/csv", file_name)
}

/// Offers `bytes` (of MIME type `content_type`) as a download named
/// `file_name`: a Blob, its object URL and a click on an `<a download>`.
/// Also what saves a document the page already holds (a person's data).
pub fn save_file(bytes: &[u8], content_type: &str, file_name: &str) -> Result<(), ApiError> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| browser_error("prepare the download"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| browser_error("prepare the download"))?;
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(|| browser_error("find the page"))?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| browser_error("prepare the download"))?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    anchor.click();
    // The download has started by now; free the blob a little later.
    leptos::prelude::set_timeout(
        move || {
            let _revoked = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
    Ok(())
}
