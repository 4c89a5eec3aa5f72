//! Check 3b: the time budget agrees with the pages it is computed from.
//!
//! A chapter's reading time is the sum of the estimates that open the
//! teaching notes of its pages ("About N minutes", first one after
//! `<summary>Teaching notes</summary>`), taken from the chapter page and
//! every page nested under it in SUMMARY.md except its exercises page (that
//! time belongs to the exercises). Its exercise time is the sum of the
//! `minutes` of its exercises in course.toml. The time table of
//! src/instructors/running-a-course.md and the "(P minutes of pages, E of
//! exercises)" on the chapter page must both say so; splitting a page, or
//! adding one, changes the sum and this check names what to update. A book
//! without that page has no time table, and nothing is checked.

use std::path::Path;

use super::{Finding, listed, summary_entries};
use crate::course::{Chapter, Course};
use crate::repo::Repo;
use crate::summary;

/// The page with the time table, relative to `src/`.
const TABLE_PAGE: &str = "instructors/running-a-course.md";

pub fn check(repo: &Repo, course: &Course) -> Vec<Finding> {
    let src = repo.book_src();
    let entries = summary_entries(repo);
    let table_path = src.join(TABLE_PAGE);
    let table_shown = repo.rel(&table_path);
    let Ok(table_text) = std::fs::read_to_string(&table_path) else {
        // A book without a time table (a course of one's own, a test
        // fixture) has nothing to keep in step.
        return Vec::new();
    };
    let mut findings = Vec::new();
    // The whole course, for the **all** row; `None` once a chapter cannot
    // be added up.
    let mut course_total = Some(Budget::default());
    // The introduction has no crate and no exercises, only pages.
    if let Some(intro) = entries
        .iter()
        .find(|e| e.depth == 0 && e.title.starts_with("0. ") && e.path.is_some())
    {
        match reading_minutes(repo, intro.path.as_deref().unwrap_or_default(), &entries) {
            Ok(pages) => {
                let budget = Budget {
                    pages,
                    ..Budget::default()
                };
                course_total = course_total.map(|t| t.plus(budget));
                // No exercises: its row must be its pages' time.
                findings.push(match table_row(&table_text, 0) {
                    Some((row, total)) if row == budget && total == pages => Finding::ok(format!(
                        "chapter 0: {} in the time table",
                        budget.describe()
                    )),
                    _ => Finding::fail(
                        &table_shown,
                        format!(
                            "chapter 0's row does not say {pages} min of pages and no exercises"
                        ),
                        format!(
                            "write: | {} | {} | none | {} |",
                            intro.title,
                            hours(pages),
                            hours(pages)
                        ),
                    ),
                });
            }
            Err(problem) => {
                course_total = None;
                findings.push(problem);
            }
        }
    }
    for chapter in &course.chapters {
        let pages = match reading_minutes(repo, &chapter.info.page, &entries) {
            Ok(minutes) => minutes,
            Err(problem) => {
                course_total = None;
                findings.push(problem);
                continue;
            }
        };
        let exercises: u32 = chapter.exercises.iter().map(|e| e.minutes).sum();
        let count = chapter.exercises.len();
        let budget = Budget {
            pages,
            count,
            exercises,
        };
        course_total = course_total.map(|t| t.plus(budget));
        let mut problems = Vec::new();
        match table_row(&table_text, chapter.info.number) {
            None => problems.push(Finding::fail(
                &table_shown,
                format!(
                    "the time table has no row for chapter {}",
                    chapter.info.number
                ),
                format!("add: {}", budget.row(chapter)),
            )),
            Some((row, total)) if row != budget || total != pages + exercises => {
                problems.push(Finding::fail(
                &table_shown,
                format!(
                    "chapter {}'s row says {} ({} in all), the pages and course.toml add up to {} ({} in all)",
                    chapter.info.number,
                    row.describe(),
                    hours(total),
                    budget.describe(),
                    hours(pages + exercises)
                ),
                format!("write: {} (and correct the **all** row)", budget.row(chapter)),
            ));
            }
            Some(_) => {}
        }
        let page = chapter.page(repo);
        let page_text = std::fs::read_to_string(&page).unwrap_or_default();
        let wanted = format!("({pages} minutes of pages, {exercises} of exercises)");
        if !page_text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(&wanted)
        {
            problems.push(Finding::fail(
                repo.rel(&page),
                "its teaching notes do not state the chapter's time as the table computes it",
                format!(
                    "say: the chapter takes about {} with the exercises {wanted}",
                    hours(pages + exercises)
                ),
            ));
        }
        if problems.is_empty() {
            findings.push(Finding::ok(format!(
                "chapter {}: {} in the time table and on its page",
                chapter.info.number,
                budget.describe()
            )));
        }
        findings.extend(problems);
    }
    if let Some(all) = course_total {
        let shown = format!(
            "| **all** | **{}** | **{} exercises, {}** | **{}** |",
            hours(all.pages),
            all.count,
            hours(all.exercises),
            hours(all.pages + all.exercises)
        );
        match row_starting(&table_text, "| **all** |") {
            Some((row, total)) if row == all && total == all.pages + all.exercises => {
                findings.push(Finding::ok(format!("the **all** row: {}", all.describe())));
            }
            _ => findings.push(Finding::fail(
                &table_shown,
                "the **all** row of the time table is not the sum of the chapters",
                format!("write: {shown}"),
            )),
        }
    }
    findings
}

/// What a chapter costs, in minutes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Budget {
    pages: u32,
    count: usize,
    exercises: u32,
}

impl Budget {
    fn plus(self, other: Budget) -> Budget {
        Budget {
            pages: self.pages + other.pages,
            count: self.count + other.count,
            exercises: self.exercises + other.exercises,
        }
    }

    fn describe(&self) -> String {
        format!(
            "{} min of pages and {} exercises of {} min",
            self.pages, self.count, self.exercises
        )
    }

    fn row(&self, chapter: &Chapter) -> String {
        let exercises = match self.count {
            0 => "none".to_string(),
            1 => format!("1 exercise, {} min", self.exercises),
            n => format!("{n} exercises, {} min", self.exercises),
        };
        format!(
            "| {}. {} | {} min | {exercises} | {} |",
            chapter.info.number,
            chapter.info.title,
            self.pages,
            hours(self.pages + self.exercises)
        )
    }
}

/// `155` as `2 h 35`, `36` as `36 min`.
fn hours(minutes: u32) -> String {
    if minutes < 60 {
        format!("{minutes} min")
    } else {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    }
}

/// `"2 h 35"`, `"2 h"`, `"36 min"` as minutes.
fn parse_minutes(text: &str) -> Option<u32> {
    let text = text.trim().trim_matches('*').trim();
    if let Some(minutes) = text.strip_suffix("min") {
        return minutes.trim().parse().ok();
    }
    let (h, rest) = text.split_once('h')?;
    let h: u32 = h.trim().parse().ok()?;
    let rest = rest.trim();
    let m: u32 = if rest.is_empty() {
        0
    } else {
        rest.parse().ok()?
    };
    Some(h * 60 + m)
}

/// The row `| N. title | P min | E exercises, M min | total |` of the table,
/// if it is there and reads: its budget, and its total in minutes.
fn table_row(text: &str, number: u32) -> Option<(Budget, u32)> {
    row_starting(text, &format!("| {number}. "))
}

/// The first row that starts with `prefix`, read as [`table_row`] says;
/// cells may be bold (`**10 h 36**`).
fn row_starting(text: &str, prefix: &str) -> Option<(Budget, u32)> {
    let line = text.lines().find(|l| l.starts_with(prefix))?;
    let cells: Vec<&str> = line
        .trim()
        .trim_matches('|')
        .split('|')
        .map(|cell| cell.trim().trim_matches('*').trim())
        .collect();
    let [_, pages, exercises, total] = cells.as_slice() else {
        return None;
    };
    let pages = parse_minutes(pages)?;
    let (count, exercises) = match exercises.split_once(',') {
        Some((count, minutes)) => (
            count.split_whitespace().next()?.parse().ok()?,
            parse_minutes(minutes)?,
        ),
        None if *exercises == "none" => (0, 0),
        None => return None,
    };
    let budget = Budget {
        pages,
        count,
        exercises,
    };
    Some((budget, parse_minutes(total)?))
}

/// The sum of the estimates of the chapter's pages (its exercises page
/// excepted), or a finding naming the page without one.
fn reading_minutes(repo: &Repo, page: &str, entries: &[summary::Entry]) -> Result<u32, Finding> {
    let Some(index) = listed(entries, Path::new(page)) else {
        // Check 3 reports a chapter page missing from SUMMARY.md.
        return Ok(0);
    };
    let mut total = 0;
    for entry in std::iter::once(&entries[index]).chain(summary::children(entries, index)) {
        let Some(path) = entry.path.as_deref() else {
            continue;
        };
        if path.ends_with("/exercises.md") {
            continue;
        }
        let file = repo.book_src().join(path);
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        match estimate(&text) {
            Some(minutes) => total += minutes,
            None => {
                return Err(Finding::fail(
                    repo.rel(&file),
                    "has no time estimate: its teaching notes do not open with \"About N minutes\"",
                    "add <details><summary>Teaching notes</summary> with \"About N minutes. ...\" (the time table adds them up)",
                ));
            }
        }
    }
    Ok(total)
}

/// The N of the first "About N minutes" in the page's teaching notes.
fn estimate(page: &str) -> Option<u32> {
    let (_, notes) = page.split_once("<summary>Teaching notes</summary>")?;
    let (_, after) = notes.split_once("About ")?;
    let (number, rest) = after.split_once(' ')?;
    rest.starts_with("minute").then(|| number.parse().ok())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_both_ways() {
        for minutes in [5, 36, 60, 110, 155, 1281] {
            assert_eq!(parse_minutes(&hours(minutes)), Some(minutes), "{minutes}");
        }
        assert_eq!(parse_minutes("2 h"), Some(120));
        assert_eq!(parse_minutes("**10 h 36**"), Some(636));
        assert_eq!(parse_minutes("soon"), None);
    }

    #[test]
    fn a_row_reads_as_its_parts_and_its_total() {
        let table = "| 1. Threads | 85 min | 3 exercises, 70 min | 2 h 35 |\n\
                     | 2. Locks | 95 min | 3 exercises, 100 min | 3 h 00 |\n\
                     | 3. Intro | 36 min | none | 36 min |";
        let threads = Budget {
            pages: 85,
            count: 3,
            exercises: 70,
        };
        assert_eq!(table_row(table, 1), Some((threads, 155)));
        assert_eq!(table_row(table, 2).map(|(_, total)| total), Some(180));
        assert_eq!(
            table_row(table, 3).map(|(b, _)| (b.pages, b.count)),
            Some((36, 0))
        );
        assert_eq!(table_row(table, 4), None);
        let all = "| **all** | **10 h 36** | **25 exercises, 10 h 45** | **21 h 21** |";
        let sum = Budget {
            pages: 636,
            count: 25,
            exercises: 645,
        };
        assert_eq!(row_starting(all, "| **all** |"), Some((sum, 1281)));
    }

    #[test]
    fn the_estimate_is_the_first_in_the_teaching_notes() {
        let page = "About 3 minutes of prose do not count.\n\n\
                    <details><summary>Teaching notes</summary>\n\n\
                    About 15 minutes. Then about 5 minutes more.\n";
        assert_eq!(estimate(page), Some(15));
        assert_eq!(estimate("no notes"), None);
        assert_eq!(
            estimate("<summary>Teaching notes</summary> About ten minutes"),
            None
        );
    }
}
