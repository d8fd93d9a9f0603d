// Steward's progressive enhancement. Every page works without this file;
// it only adds keyboard shortcuts and a few conveniences.
(function () {
  "use strict";

  // The sign-in form tells the server the browser's time zone, for the
  // user's e-mail while they have chosen none.
  var zone = document.getElementById("browser-zone");
  if (zone) {
    try { zone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (err) { zone.value = ""; }
  }

  // A wall screen (a dashboard's TV mode) reloads itself.
  var refresh = parseInt(document.body.getAttribute("data-refresh") || "", 10);
  if (refresh > 0) setTimeout(function () { location.reload(); }, refresh * 1000);

  // Ctrl+Enter (Cmd+Enter on a Mac) in a comment box sends it.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey) || !t || t.tagName !== "TEXTAREA") return;
    var form = t.form;
    if (!form || !form.classList.contains("comment-form")) return;
    e.preventDefault();
    var send = form.querySelector("#send-comment");
    if (form.requestSubmit) form.requestSubmit(send || undefined); else if (send) send.click();
  });

  // Keys: "/" focuses the search, "g i" incidents, "g h" queues, "n" new;
  // on an incident "i" assigns it to me and "c" goes to the comment box.
  var pendingG = false;
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (!document.body.hasAttribute("data-staff")) return;
    if (e.key === "/") {
      var q = document.getElementById("q");
      if (q) { e.preventDefault(); q.focus(); q.select(); }
    } else if (pendingG && e.key === "i") {
      location.href = "/incidents?state=open";
    } else if (pendingG && e.key === "h") {
      location.href = "/home";
    } else if (e.key === "n" && !pendingG) {
      location.href = "/incidents/new";
    } else if (e.key === "i" && !pendingG) {
      var assign = document.getElementById("assign-me");
      if (assign) { e.preventDefault(); assign.click(); }
    } else if (e.key === "c" && !pendingG) {
      var box = document.getElementById("comment-body");
      if (box) { e.preventDefault(); box.scrollIntoView({ block: "center" }); box.focus(); }
    }
    pendingG = e.key === "g";
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.getAttribute) return;
    // Ask before a destructive state change.
    var msg = form.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); return; }
    // Refuse a file over the limit before sending megabytes for nothing.
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    var input = form.querySelector("input[type=file]");
    if (max && input && input.files[0] && input.files[0].size > max) {
      e.preventDefault();
      input.setCustomValidity(form.getAttribute("data-too-large"));
      input.reportValidity();
      input.addEventListener("change", function () { input.setCustomValidity(""); }, { once: true });
    }
  });

  // A canned reply goes in at the cursor; without this the form posts and
  // the server adds it to the draft.
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("#insert-reply");
    if (!button) return;
    var select = document.getElementById("canned-reply");
    var box = document.getElementById("comment-body");
    var chosen = select && select.options[select.selectedIndex];
    if (!box) return;
    e.preventDefault();
    if (!chosen || !chosen.value) { select.focus(); return; }
    var text = chosen.getAttribute("data-text");
    var start = box.selectionStart, end = box.selectionEnd;
    var before = box.value.slice(0, start), after = box.value.slice(end);
    if (before && !/\n\n$/.test(before)) text = (/\n$/.test(before) ? "\n" : "\n\n") + text;
    box.value = before + text + after;
    var at = before.length + text.length;
    box.focus();
    box.setSelectionRange(at, at);
  });

  document.addEventListener("DOMContentLoaded", function () {
    // The phone menu (a checkbox without JavaScript): say whether it is
    // open, and close it with Escape.
    var menuToggle = document.getElementById("menu-toggle");
    if (menuToggle) {
      var said = function () { menuToggle.setAttribute("aria-expanded", menuToggle.checked ? "true" : "false"); };
      menuToggle.addEventListener("change", said);
      said();
      document.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && menuToggle.checked) { menuToggle.checked = false; said(); menuToggle.focus(); }
      });
    }

    // The service map fits its box; zoom with the buttons or Ctrl + wheel,
    // drag to move.
    // When the whole map would be too small to read, start on the focused
    // CI at full size.
    document.querySelectorAll("svg.service-map[data-focus]").forEach(function (svg) {
      var full = svg.viewBox.baseVal, W = full.width, H = full.height;
      var focus = svg.getAttribute("data-focus").split(" ").map(Number);
      var z = 1, cx = W / 2, cy = H / 2;
      var draw = function () {
        var w = W / z, h = H / z;
        svg.setAttribute("viewBox", [cx - w / 2, cy - h / 2, w, h].map(function (v) { return v.toFixed(1); }).join(" "));
      };
      var fit = Math.min(svg.clientWidth / W, svg.clientHeight / H);
      if (fit > 0 && fit < 0.75) { z = 1 / fit; cx = focus[0]; cy = focus[1]; draw(); }
      var controls = svg.closest(".panel").querySelector(".map-zoom");
      if (controls) {
        controls.hidden = false;
        controls.querySelector("#map-zoom-in").addEventListener("click", function () { z *= 1.5; draw(); });
        controls.querySelector("#map-zoom-out").addEventListener("click", function () { z = Math.max(1, z / 1.5); draw(); });
        controls.querySelector("#map-zoom-fit").addEventListener("click", function () { z = 1; cx = W / 2; cy = H / 2; draw(); });
      }
      // Ctrl + wheel (and a trackpad's pinch) zooms about the pointer; the
      // plain wheel still scrolls the page.
      svg.addEventListener("wheel", function (e) {
        if (!e.ctrlKey && !e.metaKey) return;
        e.preventDefault();
        var m = svg.getScreenCTM();
        if (!m) return;
        var pt = svg.createSVGPoint();
        pt.x = e.clientX; pt.y = e.clientY;
        var p = pt.matrixTransform(m.inverse());
        var nz = Math.min(16, Math.max(1, z * (e.deltaY < 0 ? 1.25 : 0.8)));
        // Keep the point under the pointer where it is.
        cx = p.x - (p.x - cx) * z / nz; cy = p.y - (p.y - cy) * z / nz; z = nz;
        if (z === 1) { cx = W / 2; cy = H / 2; }
        draw();
      }, { passive: false });
      var from = null, moved = false;
      svg.addEventListener("pointerdown", function (e) { from = [e.clientX, e.clientY]; moved = false; });
      svg.addEventListener("pointermove", function (e) {
        if (!from || z === 1) return;
        var k = (W / z) / svg.clientWidth, dx = e.clientX - from[0], dy = e.clientY - from[1];
        if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
        moved = true;
        cx -= dx * k; cy -= dy * k; from = [e.clientX, e.clientY];
        draw();
      });
      svg.addEventListener("pointerup", function () { from = null; });
      // A drag is not a click on the CI where it ended.
      svg.addEventListener("click", function (e) { if (moved) { e.preventDefault(); moved = false; } }, true);
    });

    // Type-ahead for a CI typed by name: the datalist gets the names that
    // contain what was typed (the server still decides, and asks when
    // several items fit).
    document.querySelectorAll("input[data-lookup]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      var timer = 0, asked = 0;
      if (!list) return;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var q = input.value.trim();
        if (q.length < 2 || q.charAt(0) === "#") return;
        timer = setTimeout(function () {
          var mine = ++asked;
          fetch(input.getAttribute("data-lookup") + "?limit=20&q=" + encodeURIComponent(q),
            { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
            .then(function (d) {
              if (mine !== asked) return;
              list.textContent = "";
              (d.items || []).forEach(function (ci) {
                var o = document.createElement("option");
                o.value = ci.name;
                o.label = ci.class;
                list.appendChild(o);
              });
              input.setAttribute("data-suggested", String((d.items || []).length));
            })
            .catch(function () {});
        }, 150);
      });
    });

    // Suggestions while an incident is typed: the panel comes from the
    // server (`/suggestions`) a moment after the title or description
    // changes; the button that asks for it without JavaScript goes.
    var panel = document.getElementById("suggestions");
    if (panel) {
      var sform = panel.closest("form");
      var title = sform.querySelector("[name=title]");
      var desc = sform.querySelector("[name=description]");
      var sbutton = sform.querySelector(".suggest-button");
      var stimer = 0, sasked = 0, last = "";
      if (sbutton) sbutton.remove();
      var ask = function () {
        var t = title.value, d = desc ? desc.value.slice(0, 2000) : "";
        var key = t + "\u0000" + d;
        if (key === last) return;
        last = key;
        var mine = ++sasked;
        var url = "/suggestions?for=" + encodeURIComponent(panel.getAttribute("data-for")) +
          "&title=" + encodeURIComponent(t) + "&description=" + encodeURIComponent(d);
        fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
          .then(function (html) {
            if (mine !== sasked) return;
            var box = document.createElement("div");
            box.innerHTML = html;
            var fresh = box.querySelector("#suggestions");
            if (!fresh) return;
            // The live region stays in place: only what it says changes.
            panel.innerHTML = fresh.innerHTML;
          })
          .catch(function () {});
      };
      [title, desc].forEach(function (field) {
        if (!field) return;
        field.addEventListener("input", function () {
          clearTimeout(stimer);
          stimer = setTimeout(ask, 250);
        });
      });
    }

    // "Select all" on the list ticks the page's rows for the bulk form.
    var all = document.getElementById("select-all");
    if (all) {
      var rows = function () { return document.querySelectorAll("input[name=items][form=bulk]"); };
      all.hidden = false;
      all.addEventListener("change", function () {
        rows().forEach(function (r) { r.checked = all.checked; });
      });
      document.addEventListener("change", function (e) {
        if (e.target.name !== "items") return;
        var list = Array.prototype.slice.call(rows());
        all.checked = list.length > 0 && list.every(function (r) { return r.checked; });
      });
    }

    // Show the priority the matrix gives while impact and urgency change.
    var preview = document.getElementById("priority-preview");
    var impact = document.getElementById("impact");
    var urgency = document.getElementById("urgency");
    if (preview && impact && urgency) {
      var matrix = preview.getAttribute("data-matrix").split(";").map(function (r) { return r.split(","); });
      var badge = preview.querySelector("#priority-value .prio");
      var names = {};
      preview.querySelectorAll(".matrix-table .prio").forEach(function (b) { names[b.textContent] = b.title; });
      var update = function () {
        var row = matrix[parseInt(impact.value, 10) - 1];
        var p = row && row[parseInt(urgency.value, 10) - 1];
        if (!p || !badge) return;
        badge.textContent = "P" + p;
        badge.className = "badge prio prio-" + p;
        badge.title = names["P" + p] || "";
        var name = preview.querySelector("#priority-value .prio-name");
        if (name) name.textContent = badge.title;
        preview.querySelectorAll(".matrix-table td").forEach(function (td) {
          td.classList.toggle("current", td.getAttribute("data-cell") === impact.value + "-" + urgency.value);
        });
      };
      impact.addEventListener("change", update);
      urgency.addEventListener("change", update);
    }

    // A new change's template: offered for a standard change only (without
    // script it is always shown, and refused for another type).
    var changeType = document.getElementById("change_type");
    var templateField = document.getElementById("template-field");
    if (changeType && templateField) {
      var templateSelect = templateField.querySelector("select");
      var showTemplate = function () {
        var standard = changeType.value === "standard";
        templateField.hidden = !standard;
        if (!standard && templateSelect) templateSelect.value = "";
      };
      changeType.addEventListener("change", showTemplate);
      showTemplate();
    }

    // A change's risk: the score, level and CAB need of the answers chosen.
    var risk = document.getElementById("risk-summary");
    var riskSaid = document.getElementById("risk-said");
    if (risk && riskSaid) {
      var answers = document.querySelectorAll("#risk-fields select");
      var levels = risk.getAttribute("data-levels").split(";").map(function (p) {
        var at = p.indexOf(":");
        return [parseInt(p.slice(0, at), 10), p.slice(at + 1)];
      });
      var cabFrom = parseInt(risk.getAttribute("data-cab"), 10);
      var rescore = function () {
        var total = 0;
        var all = true;
        answers.forEach(function (s) {
          var o = s.options[s.selectedIndex];
          var w = o ? o.getAttribute("data-weight") : null;
          if (w === null) all = false; else total += parseInt(w, 10);
        });
        if (!all) { riskSaid.textContent = risk.getAttribute("data-incomplete"); return; }
        var level = levels[0][1];
        levels.forEach(function (l) { if (total >= l[0]) level = l[1]; });
        riskSaid.textContent = risk.getAttribute("data-says").replace("{level}", level).replace("{score}", total)
          .replace("{cab}", risk.getAttribute(total >= cabFrom ? "data-cab-yes" : "data-cab-no"));
      };
      answers.forEach(function (s) { s.addEventListener("change", rescore); });
    }

    // Offer only the chosen group's members as assignees.
    var group = document.getElementById("assignment_group");
    var assignee = document.getElementById("assignee");
    if (group && assignee) {
      var filter = function () {
        assignee.querySelectorAll("optgroup").forEach(function (og) {
          var show = !group.value || og.getAttribute("data-group") === group.value;
          og.hidden = !show;
          og.disabled = !show;
        });
        var sel = assignee.options[assignee.selectedIndex];
        if (sel && sel.parentNode.disabled) {
          // Someone in several groups stays chosen under the new group.
          var same = Array.prototype.find.call(assignee.options, function (o) {
            return o.value === sel.value && !o.parentNode.disabled;
          });
          if (same) same.selected = true;
          else assignee.value = "";
        }
      };
      group.addEventListener("change", filter);
      filter();
    }

    // Offer the chosen service's CIs: what it stands on, from the API.
    var service = document.getElementById("service");
    var picker = document.getElementById("ci-picker");
    if (service && picker && service.tagName === "SELECT") {
      var box = picker.querySelector(".ci-options");
      var classes = JSON.parse(picker.getAttribute("data-classes") || "{}");
      var max = parseInt(picker.getAttribute("data-max"), 10) || 200;
      var asked = 0;
      var note = function (text, cls) {
        var p = document.createElement("p");
        p.className = cls;
        p.textContent = text;
        return p;
      };
      var option = function (ci) {
        var label = document.createElement("label");
        label.className = "ci-option";
        var input = document.createElement("input");
        input.type = "checkbox";
        input.name = "cis";
        input.value = ci.id;
        var cls = document.createElement("span");
        cls.className = "muted";
        cls.textContent = classes[ci.class] || ci.class;
        label.append(input, " " + ci.name + " ", cls);
        return label;
      };
      service.addEventListener("change", function () {
        // Ticked CIs stay: they are the user's choice, whatever the service.
        var kept = [];
        box.querySelectorAll("input:checked").forEach(function (i) { kept.push(i.closest("label")); });
        var draw = function (cis, total, message) {
          var seen = {};
          box.textContent = "";
          kept.forEach(function (l) { seen[l.querySelector("input").value] = true; box.appendChild(l); });
          cis.slice(0, max).forEach(function (c) { if (!seen[c.id]) box.appendChild(option(c)); });
          if (message) box.appendChild(note(message, "muted ci-empty"));
          if (total > max) box.appendChild(note(picker.getAttribute("data-more"), "hint ci-more"));
        };
        var chosen = service.options[service.selectedIndex];
        var id = chosen && chosen.getAttribute("data-id");
        var mine = ++asked;
        if (!id) { draw([], 0, picker.getAttribute("data-no-service")); return; }
        var url = "/api/v1/cis/" + id + "/dependencies?include=all&depth=" + picker.getAttribute("data-depth");
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (d) {
            if (mine !== asked) return;
            var cis = d.cis || [];
            draw(cis, d.cis_total, cis.length ? "" : picker.getAttribute("data-none"));
            picker.setAttribute("data-loaded", id);
          })
          .catch(function () { if (mine === asked) draw([], 0, picker.getAttribute("data-failed")); });
      });
    }
  });
})();
