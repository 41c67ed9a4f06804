"use strict";
// The slug the admin suggests while a title is typed (Django's admin/js/urlify.js) spells the
// Danish letters as almennet/text.py's danish_slugify does: æ, ø, å -> ae, oe, aa (Django's own
// table makes them ae, o, a). Loaded after urlify.js by almennet.admin.DanishSlugsMixin.
{
    const DANISH_LETTERS = { æ: "ae", ø: "oe", å: "aa", Æ: "Ae", Ø: "Oe", Å: "Aa" };
    const djangoURLify = window.URLify;
    if (typeof djangoURLify === "function") {
        window.URLify = function (s, numChars, allowUnicode) {
            const spelled = String(s).replace(/[æøåÆØÅ]/g, (letter) => DANISH_LETTERS[letter]);
            return djangoURLify(spelled, numChars, allowUnicode);
        };
    }
}
