//! Findings of a check: stable codes, field paths, messages, and the report
//! that gathers them.

use crate::core::text::Text;

/// Every finding's stable identifier. The string form (`as_str`) is the
/// public `code`; renaming one is a breaking change. New codes may come in a
/// minor release, so a `match` outside this crate needs a `_` arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IssueCode {
    // Errors: the service would reject the request, or could never do it.
    NotAnObject,
    WrongType,
    UnknownField,
    PromptMissing,
    PromptEmpty,
    PromptTooLong,
    UnsupportedModel,
    TooManyImages,
    ImageNotUrl,
    ImageLocalFile,
    InvalidResolution,
    InvalidAspectRatio,
    InvalidDuration,
    InvalidSeed,
    InvalidWebhookUrl,
    InvalidWebhookEvent,
    WebhookEventsEmpty,
    ImageReferenceOutOfRange,
    ImageReferenceWithoutImages,
    IdempotencyKeyTooLong,
    InvalidOption,
    /// A job id that is not in the service's form (a UUID).
    InvalidJobId,
    /// A field the service itself rejected (a `400`'s `details`).
    ServerRejected,
    // Warnings: it runs, but probably not as intended.
    AspectRatioIgnored,
    ImageNotReferenced,
    ImageReferenceNearMiss,
    DuplicateImage,
    ImageNotHttps,
    ImageUnreachable,
    WebhookNotHttps,
    WebhookUnreachable,
    WebhookEventsWithoutUrl,
    // Warnings of `checkImage` (the file itself, as the browser sees it).
    ImageUnreadable,
    ImageUnsupportedFormat,
    ImageFormatUnverified,
    ImageTooSmall,
}

impl IssueCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueCode::NotAnObject => "NOT_AN_OBJECT",
            IssueCode::WrongType => "WRONG_TYPE",
            IssueCode::UnknownField => "UNKNOWN_FIELD",
            IssueCode::PromptMissing => "PROMPT_MISSING",
            IssueCode::PromptEmpty => "PROMPT_EMPTY",
            IssueCode::PromptTooLong => "PROMPT_TOO_LONG",
            IssueCode::UnsupportedModel => "UNSUPPORTED_MODEL",
            IssueCode::TooManyImages => "TOO_MANY_IMAGES",
            IssueCode::ImageNotUrl => "IMAGE_NOT_URL",
            IssueCode::ImageLocalFile => "IMAGE_LOCAL_FILE",
            IssueCode::InvalidResolution => "INVALID_RESOLUTION",
            IssueCode::InvalidAspectRatio => "INVALID_ASPECT_RATIO",
            IssueCode::InvalidDuration => "INVALID_DURATION",
            IssueCode::InvalidSeed => "INVALID_SEED",
            IssueCode::InvalidWebhookUrl => "INVALID_WEBHOOK_URL",
            IssueCode::InvalidWebhookEvent => "INVALID_WEBHOOK_EVENT",
            IssueCode::WebhookEventsEmpty => "WEBHOOK_EVENTS_EMPTY",
            IssueCode::ImageReferenceOutOfRange => "IMAGE_REFERENCE_OUT_OF_RANGE",
            IssueCode::ImageReferenceWithoutImages => "IMAGE_REFERENCE_WITHOUT_IMAGES",
            IssueCode::IdempotencyKeyTooLong => "IDEMPOTENCY_KEY_TOO_LONG",
            IssueCode::InvalidOption => "INVALID_OPTION",
            IssueCode::InvalidJobId => "INVALID_JOB_ID",
            IssueCode::ServerRejected => "SERVER_REJECTED",
            IssueCode::AspectRatioIgnored => "ASPECT_RATIO_IGNORED",
            IssueCode::ImageNotReferenced => "IMAGE_NOT_REFERENCED",
            IssueCode::ImageReferenceNearMiss => "IMAGE_REFERENCE_NEAR_MISS",
            IssueCode::DuplicateImage => "DUPLICATE_IMAGE",
            IssueCode::ImageNotHttps => "IMAGE_NOT_HTTPS",
            IssueCode::ImageUnreachable => "IMAGE_UNREACHABLE",
            IssueCode::WebhookNotHttps => "WEBHOOK_NOT_HTTPS",
            IssueCode::WebhookUnreachable => "WEBHOOK_UNREACHABLE",
            IssueCode::WebhookEventsWithoutUrl => "WEBHOOK_EVENTS_WITHOUT_URL",
            IssueCode::ImageUnreadable => "IMAGE_UNREADABLE",
            IssueCode::ImageUnsupportedFormat => "IMAGE_UNSUPPORTED_FORMAT",
            IssueCode::ImageFormatUnverified => "IMAGE_FORMAT_UNVERIFIED",
            IssueCode::ImageTooSmall => "IMAGE_TOO_SMALL",
        }
    }

    /// Whether a finding with this code blocks sending.
    pub const fn is_error(self) -> bool {
        !matches!(
            self,
            IssueCode::AspectRatioIgnored
                | IssueCode::ImageNotReferenced
                | IssueCode::ImageReferenceNearMiss
                | IssueCode::DuplicateImage
                | IssueCode::ImageNotHttps
                | IssueCode::ImageUnreachable
                | IssueCode::WebhookNotHttps
                | IssueCode::WebhookUnreachable
                | IssueCode::WebhookEventsWithoutUrl
                | IssueCode::ImageUnreadable
                | IssueCode::ImageUnsupportedFormat
                | IssueCode::ImageFormatUnverified
                | IssueCode::ImageTooSmall
        )
    }
}

/// As its name, like any unit variant (serde-wasm-bindgen then makes each
/// name's JS string once).
impl serde::Serialize for IssueCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit_variant("IssueCode", *self as u32, self.as_str())
    }
}

/// One finding about one field.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Issue {
    /// Dotted path to the field: `""` for the request itself, `prompt`,
    /// `happyhorse11Params.images[3]`.
    pub path: Text,
    pub code: IssueCode,
    pub message: Text,
}

/// What the request asks the model to do, decided by its image count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    TextToVideo,
    ImageToVideo,
    ReferenceToVideo,
}

impl Mode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::TextToVideo => "text-to-video",
            Mode::ImageToVideo => "image-to-video",
            Mode::ReferenceToVideo => "reference-to-video",
        }
    }

    pub fn for_image_count(n: usize) -> Mode {
        match n {
            0 => Mode::TextToVideo,
            1 => Mode::ImageToVideo,
            _ => Mode::ReferenceToVideo,
        }
    }
}

/// As its name, like any unit variant.
impl serde::Serialize for Mode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit_variant("Mode", *self as u32, self.as_str())
    }
}

/// The answer of `validate`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub mode: Option<Mode>,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Files a finding under errors or warnings by its code.
    pub fn push(&mut self, path: impl Into<Text>, code: IssueCode, message: impl Into<Text>) {
        let issue = Issue { path: path.into(), code, message: message.into() };
        if code.is_error() {
            self.errors.push(issue);
        } else {
            self.warnings.push(issue);
        }
    }
}

/// For the tests' assertions.
#[cfg(test)]
impl Report {
    /// Codes of all errors, in order.
    pub(crate) fn error_codes(&self) -> Vec<&'static str> {
        self.errors.iter().map(|i| i.code.as_str()).collect()
    }

    pub(crate) fn warning_codes(&self) -> Vec<&'static str> {
        self.warnings.iter().map(|i| i.code.as_str()).collect()
    }
}

/// `{ ok, mode, errors, warnings }`, as the `Report` TypeScript type says.
impl serde::Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut r = s.serialize_struct("Report", 4)?;
        r.serialize_field("ok", &self.ok())?;
        r.serialize_field("mode", &self.mode)?;
        r.serialize_field("errors", &self.errors)?;
        r.serialize_field("warnings", &self.warnings)?;
        r.end()
    }
}

/// `parent.child`, or `child` at the root.
pub(crate) fn join_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        let mut p = String::with_capacity(parent.len() + 1 + child.len());
        p.push_str(parent);
        p.push('.');
        p.push_str(child);
        p
    }
}

/// `parent[index]`.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    let mut p = String::from(parent);
    p.push('[');
    crate::core::value::push_u64(index as u64, &mut p);
    p.push(']');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_files_by_severity() {
        let mut r = Report::default();
        r.push("prompt", IssueCode::PromptEmpty, "empty");
        r.push("happyhorse11Params.aspect_ratio", IssueCode::AspectRatioIgnored, "ignored");
        assert!(!r.ok());
        assert_eq!(r.error_codes(), ["PROMPT_EMPTY"]);
        assert_eq!(r.warning_codes(), ["ASPECT_RATIO_IGNORED"]);
    }

    #[test]
    fn paths_join_like_the_contract_shows() {
        assert_eq!(join_path("", "prompt"), "prompt");
        assert_eq!(index_path(&join_path("happyhorse11Params", "images"), 3), "happyhorse11Params.images[3]");
    }

    #[test]
    fn modes_follow_image_count() {
        assert_eq!(Mode::for_image_count(0).as_str(), "text-to-video");
        assert_eq!(Mode::for_image_count(1).as_str(), "image-to-video");
        assert_eq!(Mode::for_image_count(9).as_str(), "reference-to-video");
    }
}
