// The exam page, made better with JavaScript: a clock counted from the server's
// deadline (re-synchronised by every save), autosubmit at zero, a warning with
// retries when an answer could not be saved, the answer sheet unfolded on a
// wide screen, and on a phone's screen of questions (screens.ts) moving on once
// its last single-choice or true/false question is answered and every question
// on it has an answer. Without it the page still works: each question has its
// own Save button, the sheet opens with a tap and the server keeps the time.
(function () {
  var offset = 0 // server time minus this device's time
  var deadline = 0
  var timer = null
  var pending = new Set()

  function exam () { return document.querySelector('[data-exam]') }

  function sync (el) {
    if (!el || !el.dataset.deadline) return
    deadline = Number(el.dataset.deadline)
    offset = Number(el.dataset.serverNow) - Date.now()
  }

  function tick () {
    var root = exam()
    var clock = document.getElementById('clock')
    if (!root || !clock) { clearInterval(timer); timer = null; return }
    var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000))
    clock.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0')
    clock.classList.toggle('low', left <= 300)
    if (left === 0 && !root.dataset.finishing) {
      root.dataset.finishing = '1'
      var form = document.createElement('form')
      form.method = 'post'
      form.action = root.dataset.finish
      var auto = document.createElement('input')
      auto.type = 'hidden'
      auto.name = 'auto'
      auto.value = '1'
      form.appendChild(auto)
      document.body.appendChild(form)
      // Give saves in flight a moment; the server accepts them within its grace.
      setTimeout(function () { form.submit() }, pending.size ? 2500 : 300)
    }
  }

  function warn () {
    var root = exam()
    var box = document.getElementById('save-warning')
    if (!root || !box) return
    box.hidden = pending.size === 0
    box.textContent = pending.size ? root.dataset.unsavedText : ''
  }

  function retry () {
    pending.forEach(function (form) {
      if (!document.body.contains(form)) { pending.delete(form); return }
      var status = form.querySelector('.save-status')
      if (status) status.textContent = exam().dataset.retryText
      window.htmx && window.htmx.trigger(form, 'change')
    })
  }

  function init () {
    var root = exam()
    if (!root) return
    var sheet = document.getElementById('answer-sheet')
    if (sheet && window.matchMedia && window.matchMedia('(min-width: 48rem)').matches) sheet.open = true
    sync(root)
    if (!timer) timer = setInterval(tick, 1000)
    tick()
  }

  document.addEventListener('DOMContentLoaded', init)
  document.addEventListener('htmx:load', init)
  function progress () {
    var el = document.getElementById('progress')
    if (!el || !el.dataset.template) return
    var cells = document.querySelectorAll('.exam-nav .nav-cell')
    var done = document.querySelectorAll('.exam-nav .nav-cell.answered')
    el.textContent = el.dataset.template.replace('{answered}', done.length).replace('{total}', cells.length)
  }

  document.addEventListener('htmx:afterSettle', function () { sync(document.getElementById('clock-sync')); progress() })
  // A screen moves on when its last question is answered (not a multiple-choice one: the server
  // marks such screens data-advance) and no question on it is left without an answer.
  function advance (form) {
    var root = exam()
    if (!root || !root.hasAttribute('data-advance') || root.dataset.finishing) return
    var items = root.querySelectorAll('form.item')
    if (items[items.length - 1] !== form) return
    for (var i = 0; i < items.length; i++) if (!items[i].querySelector('input[name=choice]:checked')) return
    var next = document.getElementById('next-link')
    if (next) next.click()
  }

  document.addEventListener('htmx:afterRequest', function (e) {
    var form = e.detail.elt && e.detail.elt.closest && e.detail.elt.closest('[data-exam-item]')
    if (!form) return
    if (e.detail.successful || (e.detail.xhr && e.detail.xhr.status >= 400 && e.detail.xhr.status < 500)) pending.delete(form)
    else pending.add(form)
    warn()
    if (e.detail.successful && e.detail.elt === form && pending.size === 0) advance(form)
  })
  window.addEventListener('online', retry)
  setInterval(function () { if (pending.size) retry() }, 5000)
})()

// A practice set's answer sheet (data-open-wide) likewise: folded on a phone, unfolded on a wide screen.
;(function () {
  function unfold () {
    if (!window.matchMedia || !window.matchMedia('(min-width: 48rem)').matches) return
    document.querySelectorAll('details[data-open-wide]').forEach(function (d) { d.open = true })
  }
  document.addEventListener('DOMContentLoaded', unfold)
  document.addEventListener('htmx:load', unfold)
})()
