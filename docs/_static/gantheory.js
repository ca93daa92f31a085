// A chapter's figures and the gallery's are drawn wider than they are shown: each opens at full size in a new tab when clicked.
document.addEventListener("DOMContentLoaded", () => {
  for (const img of document.querySelectorAll(".bd-article .cell_output img, .bd-article table img")) {
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
