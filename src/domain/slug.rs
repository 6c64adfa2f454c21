//! Slugs: the lowercase, dash-separated names objects have in URLs.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::error::AppResult;

/// Longest slug made from a title.
pub const MAX_LENGTH: usize = 80;

/// `"Medical vs. Spa Massage!"` → `"medical-vs-spa-massage"`. Letters with
/// accents lose them where ASCII has a plain form; anything else becomes a dash.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ł' => 'l',
            'ñ' | 'ń' | 'ň' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ś' | 'š' => 's',
            'ù' | 'ú' | 'û' | 'ü' | 'ů' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    if slug.len() > MAX_LENGTH {
        slug.truncate(MAX_LENGTH);
        slug = slug.trim_end_matches('-').to_owned();
    }
    slug
}

/// The slug of `text`, or `fallback` when `text` has no letter or digit that
/// ASCII can spell (a name in Cyrillic, say).
pub fn slugify_or(text: &str, fallback: &str) -> String {
    match slugify(text) {
        slug if slug.is_empty() => fallback.to_owned(),
        slug => slug,
    }
}

/// Whether `slug` is already in the form [`slugify`] gives.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty() && slug.len() <= MAX_LENGTH && slugify(slug) == slug
}

/// `base`, or `base-2`, `base-3`… whichever no row of `E` has in `column`.
pub async fn unique<E, C>(db: &C, column: E::Column, base: &str) -> AppResult<String>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut candidate = base.to_owned();
    for n in 2.. {
        let taken = E::find()
            .filter(column.eq(candidate.as_str()))
            .one(db)
            .await?
            .is_some();
        if !taken {
            break;
        }
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

/// Whether a row of `E` other than `except` (its id column and id) has `slug`
/// in `column`.
pub async fn is_taken<E, C>(
    db: &C,
    column: E::Column,
    slug: &str,
    except: Option<(E::Column, i32)>,
) -> AppResult<bool>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let mut select = E::find().filter(column.eq(slug));
    if let Some((id_column, id)) = except {
        select = select.filter(id_column.ne(id));
    }
    Ok(select.one(db).await?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_slugs() {
        assert_eq!(
            slugify("Medical vs. Spa Massage!"),
            "medical-vs-spa-massage"
        );
        assert_eq!(slugify("  Café   Olé  "), "cafe-ole");
        assert_eq!(slugify("Łódź—Kraków"), "lodz-krakow");
        assert_eq!(slugify("!!!"), "");
        assert!(slugify(&"word ".repeat(40)).len() <= MAX_LENGTH);
        assert!(is_valid("medical-massage"));
        assert!(!is_valid("Medical Massage"));
        assert!(!is_valid("-edge-"));
        assert_eq!(slugify_or("Ана Петрова", "therapist"), "therapist");
        assert_eq!(slugify_or("Ana Petrova", "therapist"), "ana-petrova");
    }
}
