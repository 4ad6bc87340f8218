//! Keyset paging, shared by every paged list: a cursor is where a row stands in the
//! list's order — its name, or the sort value and its name (`1700000000:v1.2`) — so
//! a page costs one bounded query however deep it is.

use app::domain::Error;

/// Where a page starts: after (or, going back, before) the row at `from`; the first
/// page has no `from`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Keyset {
    pub from: Option<(i64, String)>,
    pub backwards: bool,
}

impl Keyset {
    /// Reads the `after` or `before` cursor of a list ordered by a sort value when
    /// `keyed` (by name alone otherwise); `valid_name` says what a name may be.
    pub fn parse(after: Option<&str>, before: Option<&str>, keyed: bool, valid_name: impl Fn(&str) -> bool) -> Result<Keyset, Error> {
        let (cursor, backwards) = match (after, before) {
            (Some(_), Some(_)) => return Err(Error::invalid("before", "give either after or before, not both")),
            (Some(cursor), None) => (cursor, false),
            (None, Some(cursor)) => (cursor, true),
            (None, None) => return Ok(Keyset::default()),
        };
        let invalid = || Error::invalid("cursor", "not a position in this listing; start again from the first page");
        let (value, name) = if keyed {
            let (value, name) = cursor.split_once(':').ok_or_else(invalid)?;
            (value.parse().map_err(|_| invalid())?, name)
        } else {
            (0, cursor)
        };
        if !valid_name(name) {
            return Err(invalid());
        }
        Ok(Keyset { from: Some((value, name.to_string())), backwards })
    }

    pub fn position(&self) -> Option<(i64, &str)> {
        self.from.as_ref().map(|(value, name)| (*value, name.as_str()))
    }

    /// Takes the rows a query returned for this keyset with `limit + 1` as its limit,
    /// keeps `limit` of them in display order, and gives the (next, previous) cursors.
    pub fn finish<T>(&self, rows: &mut Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> String) -> (Option<String>, Option<String>) {
        let more = rows.len() as i64 > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(0));
        if self.backwards {
            rows.reverse();
            (rows.last().map(&cursor_of), more.then(|| rows.first().map(&cursor_of)).flatten())
        } else {
            (more.then(|| rows.last().map(&cursor_of)).flatten(), self.from.is_some().then(|| rows.first().map(&cursor_of)).flatten())
        }
    }
}

/// The cursor of a row: its name alone, or its sort value and name.
pub(crate) fn cursor(value: Option<i64>, name: &str) -> String {
    match value {
        None => name.to_string(),
        Some(value) => format!("{value}:{name}"),
    }
}

/// `?n=&last=` on the API's lists, read as Distribution reads them on `tags/list`:
/// at most `n` (default 100, at most 1000) rows named after `last`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePage {
    pub limit: i64,
    pub last: Option<String>,
}

pub const DEFAULT_PAGE: i64 = 100;
pub const MAX_PAGE: i64 = 1000;

impl NamePage {
    pub fn parse(n: Option<&str>, last: Option<&str>) -> Result<NamePage, Error> {
        let limit = match n {
            None => DEFAULT_PAGE,
            Some(n) => match n.parse::<i64>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => return Err(Error::invalid("n", format!("must be a whole number from 1 to {MAX_PAGE}"))),
            },
        };
        Ok(NamePage { limit, last: last.filter(|l| !l.is_empty()).map(str::to_string) })
    }

    pub(crate) fn keyset(&self) -> Keyset {
        Keyset { from: self.last.clone().map(|name| (0, name)), backwards: false }
    }
}

/// One page of an API list and whether more rows follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> Listed<T> {
    /// From rows a query returned with `limit + 1` as its limit.
    pub(crate) fn from_rows(mut items: Vec<T>, limit: i64) -> Listed<T> {
        let more = items.len() as i64 > limit;
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Listed { items, more }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_nonsense_is_refused() {
        let any = |_: &str| true;
        let keyset = Keyset::parse(Some(&cursor(Some(1700), "v1.2")), None, true, any).unwrap();
        assert_eq!(keyset, Keyset { from: Some((1700, "v1.2".into())), backwards: false });
        let keyset = Keyset::parse(None, Some(&cursor(None, "api")), false, any).unwrap();
        assert_eq!(keyset, Keyset { from: Some((0, "api".into())), backwards: true });
        assert_eq!(Keyset::parse(None, None, true, any).unwrap(), Keyset::default());
        for bad in ["", "v1.2", "x:v1.2", "1.5:v1"] {
            assert!(Keyset::parse(Some(bad), None, true, any).is_err(), "{bad}");
        }
        assert!(Keyset::parse(Some("a"), Some("b"), false, any).is_err());
        assert!(Keyset::parse(Some("no spaces"), None, false, |n: &str| !n.contains(' ')).is_err());
    }

    #[test]
    fn a_page_keeps_its_rows_in_display_order_with_neighbours() {
        let name = |n: &i32| n.to_string();
        let first = Keyset::default();
        let mut rows = vec![1, 2, 3];
        assert_eq!(first.finish(&mut rows, 2, name), (Some("2".into()), None));
        assert_eq!(rows, [1, 2]);
        let later = Keyset { from: Some((0, "2".into())), backwards: false };
        let mut rows = vec![3, 4];
        assert_eq!(later.finish(&mut rows, 2, name), (None, Some("3".into())));
        // Going back, the query returns the rows nearest the cursor first.
        let back = Keyset { from: Some((0, "5".into())), backwards: true };
        let mut rows = vec![4, 3, 2];
        assert_eq!(back.finish(&mut rows, 2, name), (Some("4".into()), Some("3".into())));
        assert_eq!(rows, [3, 4]);
    }

    #[test]
    fn api_pages_default_and_refuse_out_of_range_sizes() {
        assert_eq!(NamePage::parse(None, None).unwrap(), NamePage { limit: DEFAULT_PAGE, last: None });
        assert_eq!(NamePage::parse(Some("5"), Some("api")).unwrap(), NamePage { limit: 5, last: Some("api".into()) });
        for bad in ["0", "-1", "1001", "x"] {
            assert!(NamePage::parse(Some(bad), None).is_err(), "{bad}");
        }
        let listed = Listed::from_rows(vec![1, 2, 3], 2);
        assert_eq!((listed.items, listed.more), (vec![1, 2], true));
    }
}
