//! Calendar dates as evident writes them: a [`Date`] with the precision its source gives
//! (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), checked by [`parse_date`], and the day of a
//! `SOURCE_DATE_EPOCH` ([`date_from_epoch`]). No clock is read here.

/// A calendar date with the precision the source gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl Date {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// Whether this date is before `other` as far as both are known: 2013-06-30 is before
    /// 2013-07, but not before 2013-06 or 2013.
    pub fn before(&self, other: &Date) -> bool {
        let known = |a: &Date, b: &Date| (a.year, b.month.and(a.month), b.day.and(a.day));
        known(self, other) < known(other, self)
    }

    /// "16 January 2013", "June 2013" or "2013".
    pub fn long(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let month = self.month.map(|m| MONTHS[usize::from(m - 1)]);
        match (self.day, month) {
            (Some(d), Some(m)) => format!("{d} {m} {}", self.year),
            (None, Some(m)) => format!("{m} {}", self.year),
            _ => self.year.to_string(),
        }
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, with real months and days.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.split('-');
    let year_s = parts.next()?;
    if year_s.len() != 4 {
        return None;
    }
    let year: i32 = year_s.parse().ok()?;
    let month = match parts.next() {
        Some(m) if m.len() == 2 => Some(m.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?),
        Some(_) => return None,
        None => None,
    };
    let day = match parts.next() {
        Some(d) if d.len() == 2 => {
            let d: u8 = d.parse().ok()?;
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            let max = match month? {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            Some(d).filter(|d| (1..=max).contains(d))?.into()
        }
        Some(_) => return None,
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Date { year, month, day })
}

/// A whole day, `YYYY-MM-DD`: what site, page and manifest dates must be.
pub fn parse_day(s: &str) -> Option<Date> {
    parse_date(s).filter(|d| d.day.is_some())
}

/// Converts `SOURCE_DATE_EPOCH` (seconds) to `YYYY-MM-DD` (UTC).
pub fn date_from_epoch(secs: i64) -> String {
    // Howard Hinnant's days-from-civil inverse.
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_before_another_as_far_as_both_are_known() {
        let d = |s: &str| parse_date(s).unwrap();
        assert!(!d("2013-01-01").before(&d("2013")));
        assert!(!d("2013-06-01").before(&d("2013-06")));
        assert!(d("2013-06-30").before(&d("2013-07")));
        assert!(d("2012-12-31").before(&d("2013")));
        assert!(d("2013-06-24").before(&d("2013-06-25")));
        assert!(!d("2013-06-25").before(&d("2013-06-25")));
        assert!(!d("2026-11-24").before(&d("2013-06-25")));
    }

    #[test]
    fn epoch_dates() {
        assert_eq!(date_from_epoch(0), "1970-01-01");
        assert_eq!(date_from_epoch(1_700_000_000), "2023-11-14");
        assert_eq!(date_from_epoch(951_782_400), "2000-02-29");
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2013-06-25").map(|d| d.long()),
            Some("25 June 2013".into())
        );
        assert!(parse_date("2013-02-29").is_none());
        assert!(parse_date("2012-02-29").is_some());
        assert!(parse_date("13-01").is_none());
        assert!(parse_day("2013-06").is_none());
    }
}
