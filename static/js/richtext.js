"use strict";
// The admin's rich-text editor: Quill (static/vendor/quill) on every textarea[data-richtext]
// (almennet/widgets.py RichTextarea). The textarea stays the form field: the editor writes its
// HTML into it on every change, the form posts it and the model sanitises it (almennet/html.py
// keeps what the toolbar can make). The textarea's data-richtext holds the buttons' names in the
// page's language. No inline script or style, no eval: it runs under the portal's CSP.
{
    const TOOLBAR = [
        [{ header: [2, 3, false] }],
        ["bold", "italic", "underline"],
        [{ list: "ordered" }, { list: "bullet" }, "blockquote"],
        ["link", "clean"],
    ];
    const FORMATS = ["header", "bold", "italic", "underline", "list", "blockquote", "link"];

    const buttonName = (button, labels) => {
        const format = [...button.classList].find((name) => name.startsWith("ql-"))?.slice(3);
        const value = button.value || button.dataset.value;
        return labels[value ? `${format}-${value}` : format] || labels[format];
    };

    const nameTheControls = (quill, container, labels) => {
        const toolbar = quill.getModule("toolbar").container;
        toolbar.setAttribute("role", "toolbar");
        toolbar.setAttribute("aria-label", labels.editor);
        toolbar.querySelectorAll("button").forEach((button) => {
            const name = buttonName(button, labels);
            if (name) {
                button.title = name;
                button.setAttribute("aria-label", name);
            }
        });
        // The words Quill's stylesheet writes with CSS `content:` (static/css/richtext.css
        // reads them from these attributes).
        const words = {
            "data-visit": labels.visit,
            "data-enter": labels.enter,
            "data-edit": labels.edit,
            "data-save": labels.save,
            "data-remove": labels.remove,
            "data-normal": labels.normal,
            "data-heading-2": labels["heading-2"],
            "data-heading-3": labels["heading-3"],
        };
        const targets = container.querySelectorAll(
            ".ql-tooltip, .ql-tooltip a, .ql-picker-label, .ql-picker-item",
        );
        targets.forEach((element) => {
            Object.entries(words).forEach(([attribute, word]) => {
                if (word) element.setAttribute(attribute, word);
            });
        });
        const header = toolbar.querySelector(".ql-picker.ql-header .ql-picker-label");
        header?.setAttribute("aria-label", labels.header);
        const linkInput = container.querySelector(".ql-tooltip input[type=text]");
        if (linkInput) {
            linkInput.dataset.link = "https://";
            linkInput.setAttribute("aria-label", labels.enter);
        }
    };

    const attach = (textarea) => {
        if (textarea.dataset.richtextReady || typeof window.Quill !== "function") return;
        textarea.dataset.richtextReady = "1";
        let labels = {};
        try {
            labels = JSON.parse(textarea.dataset.richtext || "{}");
        } catch {
            labels = {};
        }
        const wrapper = document.createElement("div");
        wrapper.className = "richtext";
        const holder = document.createElement("div");
        wrapper.append(holder);
        textarea.after(wrapper);

        const quill = new window.Quill(holder, {
            theme: "snow",
            formats: FORMATS,
            modules: { toolbar: TOOLBAR },
        });
        quill.setContents(quill.clipboard.convert({ html: textarea.value }), "silent");
        quill.history.clear();
        nameTheControls(quill, wrapper, labels);

        const editor = quill.root;
        editor.setAttribute("role", "textbox");
        editor.setAttribute("aria-multiline", "true");
        const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
        if (label) {
            if (!label.id) label.id = `${textarea.id}_label`;
            editor.setAttribute("aria-labelledby", label.id);
            label.addEventListener("click", () => quill.focus());
        }
        const describedBy = textarea.getAttribute("aria-describedby");
        if (describedBy) editor.setAttribute("aria-describedby", describedBy);
        textarea.hidden = true;

        // Quill 2's getSemanticHTML writes every space as &nbsp;, which would stop the text
        // from wrapping on the site: plain spaces again.
        const write = () => {
            const html = quill.getText().trim() ? quill.getSemanticHTML() : "";
            textarea.value = html.replace(/&nbsp;|\u00a0/g, " ");
        };
        quill.on("text-change", write);
        textarea.form?.addEventListener("submit", write);
    };

    const attachAll = () => document.querySelectorAll("textarea[data-richtext]").forEach(attach);
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", attachAll);
    } else {
        attachAll();
    }
}
