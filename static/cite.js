// Citation downloads made in the page: the record page carries each format's text
// (BibTeX, RIS, CSL-JSON) in a JSON data block, and this turns each hidden link into
// a download of that text, so a site needs no citation files per record.
//
// Safety: the texts become Blob contents, never HTML; nothing is inserted as markup.
// No inline script: the page's Content-Security-Policy forbids it (the data block is
// JSON, which the browser does not run).

(() => {
  const block = document.getElementById("cite-data");
  if (!block) return;
  let texts;
  try {
    texts = JSON.parse(block.textContent);
  } catch {
    return;
  }
  for (const link of document.querySelectorAll("a[data-cite]")) {
    const text = texts[link.dataset.cite];
    if (typeof text !== "string") continue;
    const blob = new Blob([text], { type: `${link.type}; charset=utf-8` });
    link.href = URL.createObjectURL(blob);
    link.closest("li").hidden = false;
  }
})();
