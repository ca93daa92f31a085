// A chapter's figures are drawn wider than the text column: each opens at full size in a new tab when clicked.
document.addEventListener("DOMContentLoaded", () => {
  for (const img of document.querySelectorAll(".bd-article .cell_output img")) {
    if (img.closest("a")) continue;
    const link = document.createElement("a");
    link.href = img.src;
    link.target = "_blank";
    link.className = "gantheory-full-size";
    link.title = "open the figure at full size";
    img.replaceWith(link);
    link.appendChild(img);
  }
});
