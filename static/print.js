// The print button on slips: works without this script too (the browser's own Print).
document.addEventListener('click', function (event) {
  var target = event.target
  if (target instanceof Element && target.closest('[data-print]')) window.print()
})
