//! Cost in credits of a request, before it is sent: price per second of the
//! chosen resolution times the duration, with the service's defaults for
//! whatever the request leaves out.

use crate::core::error::Error;
use crate::core::issue::{join_path, IssueCode, Report};
use crate::core::spec::{Resolution, HAPPYHORSE_11};
use crate::core::text::{cat, one_of};
use crate::core::value::Value;

/// What a request will cost (the `Estimate` TypeScript type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub credits: u32,
    pub credits_per_second: u32,
    pub seconds: u32,
    pub resolution: &'static str,
    /// `true` when the request gives no duration and the default was used.
    pub assumed_duration: bool,
}

/// Estimates the cost of `request`. Only `resolution` and `duration` matter,
/// so a request with other problems (an empty prompt while the user is still
/// typing) still gets a price; a bad resolution or duration, or a request
/// that is not an object, is an error with the same issues `validate` gives.
pub fn estimate(request: &Value) -> Result<Estimate, Error> {
    estimate_checked(request, &crate::core::validate::validate(request)).map_err(Error::invalid)
}

/// [`estimate`] of a request already checked: `report` is its `validate`
/// answer (so a caller that has it does not check the request twice).
pub(crate) fn estimate_checked(request: &Value, report: &Report) -> Result<Estimate, Report> {
    let spec = &HAPPYHORSE_11;
    let blocking: Vec<_> = report
        .errors
        .iter()
        .filter(|i| {
            i.code == IssueCode::NotAnObject
                || i.code == IssueCode::InvalidResolution
                || i.code == IssueCode::InvalidDuration
                || (i.code == IssueCode::WrongType && i.path == spec.params_key)
        })
        .cloned()
        .collect();
    if !blocking.is_empty() {
        return Err(Report { mode: report.mode, errors: blocking, warnings: Vec::new() });
    }
    let params = request.get(spec.params_key);
    let resolution = params
        .and_then(|p| p.get("resolution"))
        .and_then(Value::as_str)
        .and_then(|name| spec.resolution(name))
        .or_else(|| spec.resolution(spec.default_resolution));
    let Some(Resolution { name, credits_per_second }) = resolution else {
        // Unreachable while the spec's default is one of its resolutions (a
        // unit test pins that); answer with an error rather than panic.
        let mut r = Report::default();
        r.push(
            join_path(spec.params_key, "resolution"),
            IssueCode::InvalidResolution,
            cat(&["expected ", &one_of(&[spec.default_resolution])]),
        );
        return Err(r);
    };
    let duration = params.and_then(|p| p.get("duration"));
    let seconds = match duration {
        Some(Value::Number(n)) => *n as u32,
        _ => spec.duration_default,
    };
    Ok(Estimate {
        credits: credits_per_second * seconds,
        credits_per_second,
        seconds,
        resolution: name,
        assumed_duration: duration.is_none(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn est(v: serde_json::Value) -> Result<Estimate, Report> {
        let v = crate::core::testing::value(&v);
        estimate_checked(&v, &crate::core::validate::validate(&v))
    }

    #[test]
    fn ten_seconds_at_1080p_is_310_credits() {
        let e = est(json!({"prompt": "x", "happyhorse11Params": {"duration": 10, "resolution": "1080p"}})).unwrap();
        assert_eq!((e.credits, e.credits_per_second, e.seconds, e.resolution, e.assumed_duration), (310, 31, 10, "1080p", false));
    }

    #[test]
    fn seven_twenty_p_is_24_per_second() {
        let e = est(json!({"prompt": "x", "happyhorse11Params": {"duration": 10, "resolution": "720p"}})).unwrap();
        assert_eq!((e.credits, e.credits_per_second), (240, 24));
    }

    #[test]
    fn defaults_are_5_seconds_at_1080p() {
        let e = est(json!({"prompt": "x"})).unwrap();
        assert_eq!((e.credits, e.seconds, e.resolution, e.assumed_duration), (155, 5, "1080p", true));
    }

    #[test]
    fn prices_an_unfinished_request() {
        let e = est(json!({"prompt": "", "happyhorse11Params": {"duration": 3, "resolution": "720p"}})).unwrap();
        assert_eq!(e.credits, 72);
    }

    #[test]
    fn refuses_bad_duration_resolution_or_shape() {
        let r = est(json!({"prompt": "x", "happyhorse11Params": {"duration": 2.5}})).unwrap_err();
        assert_eq!(r.error_codes(), ["INVALID_DURATION"]);
        let r = est(json!({"prompt": "x", "happyhorse11Params": {"resolution": "4k"}})).unwrap_err();
        assert_eq!(r.error_codes(), ["INVALID_RESOLUTION"]);
        let r = est(json!({"prompt": "x", "happyhorse11Params": []})).unwrap_err();
        assert_eq!(r.error_codes(), ["WRONG_TYPE"]);
        assert_eq!(est(json!(7)).unwrap_err().error_codes(), ["NOT_AN_OBJECT"]);
    }
}
