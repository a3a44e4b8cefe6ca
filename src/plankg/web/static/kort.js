/* plankg maps: territories drawn from plankg's own GeoJSON with Leaflet, no tiles, nothing from outside.
 *
 * A map element says what to draw:
 *   data-mode="overview"  all municipalities, coloured by the cooperations they belong to on the chosen day;
 *   data-mode="place"     one municipality or region, and (for a municipality) its neighbours;
 *   data-mode="members"   a cooperation's members;
 *   data-mode="all"       every place of a list (/doc/kommune, /doc/region), each a link to its page.
 * data-source is the GeoJSON to draw; the texts come from the JSON block #map-text.
 */
(function () {
  "use strict";

  var SELF = "#1b5e6b"; // a place on its own page: not a cooperation's colour
  var PLACE = "#8fb3bb"; // the places of a list
  var NONE = "#f4f1ea";
  var SEVERAL = "#444444";
  var NEIGHBOUR = "#c9c9c9";

  /* The rule of queries/members-on-date.rq (domain/evidence.py): "member" when the day is inside
   * the interval or on a day (month, year) a source shows the membership held; "documented" when
   * no interval covers it but a source shows it held earlier (a seen day, or the end); else
   * "unknown". Dates are compared at the precision they are given in. */
  function stateOn(m, day) {
    var at = function (value) { return day.slice(0, value.length); };
    var seen = m.seen || [];
    var end = m.to || m.documentedUntil;
    var inside = m.from && at(m.from) >= m.from && (!end || at(end) <= end);
    if (inside || seen.some(function (s) { return at(s) === s; })) return { state: "member" };
    var before = seen.filter(function (s) { return s < at(s); });
    [m.to, m.documentedUntil].forEach(function (bound) { if (bound && bound < at(bound)) before.push(bound); });
    if (before.length) return { state: "documented", day: before.sort()[before.length - 1] };
    return { state: "unknown" };
  }

  /* The cooperations of a feature in each state on the day, among the shown ones. */
  function statesOn(feature, day, shown) {
    var found = { member: [], documented: [] };
    feature.properties.memberships.forEach(function (m) {
      if (shown && !shown(m.cooperation)) return;
      var s = stateOn(m, day);
      if (s.state !== "unknown") found[s.state].push({ uri: m.cooperation, day: s.day });
    });
    return found;
  }

  /* "Today" is the server's day (its setting, else its real date), so the map and the pages agree. */
  function today() {
    var day = document.documentElement.dataset.today;
    if (day) return day;
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  /* The rule of queries/region-on-date.rq: a region lives from its beginning to its end (if any),
   * compared at the precision each date is given in. */
  function livesOn(entry, day) {
    if (!entry.from || day.slice(0, entry.from.length) < entry.from) return false;
    return !entry.to || day.slice(0, entry.to.length) <= entry.to;
  }

  function regionOn(feature, day) {
    var living = (feature.properties.regions || []).filter(function (r) { return livesOn(r, day); });
    return living.length ? living[0] : null;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function withLang(href, lang) {
    return href ? href + (href.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(lang) : href;
  }

  function nameOf(names, lang) {
    return (names && (names[lang] || names.da || names.en)) || "";
  }

  function newMap(container) {
    // No tile layer and no attribution prefix linking out: the territories are the whole map. The
    // keyboard is plankg's own (keyboardNavigation): arrows move between places, not the view.
    var map = L.map(container, { attributionControl: false, zoomSnap: 0.25, preferCanvas: false, keyboard: false });
    container.querySelectorAll(".leaflet-control-zoom a").forEach(function (a) { a.tabIndex = -1; });
    return map;
  }

  var SVG = "http://www.w3.org/2000/svg";
  /* One SVG pattern per cooperation: its colour with the texture of domain/geo.py's pattern(), so
   * that cooperations differ in greyscale and for colour-blind readers too. */
  function definePatterns(cooperations) {
    var holder = document.getElementById("plankg-patterns");
    if (!holder) {
      holder = document.createElementNS(SVG, "svg");
      holder.id = "plankg-patterns";
      holder.setAttribute("aria-hidden", "true");
      holder.setAttribute("width", "0");
      holder.setAttribute("height", "0");
      holder.style.position = "absolute";
      holder.appendChild(document.createElementNS(SVG, "defs"));
      document.body.appendChild(holder);
    }
    var defs = holder.firstChild;
    cooperations.forEach(function (c) {
      var id = "moenster-" + c.colourIndex;
      if (document.getElementById(id)) return;
      var p = document.createElementNS(SVG, "pattern");
      p.id = id;
      p.setAttribute("patternUnits", "userSpaceOnUse");
      p.setAttribute("width", "8");
      p.setAttribute("height", "8");
      p.setAttribute("patternTransform", "rotate(45)");
      var add = function (tag, attrs) {
        var node = document.createElementNS(SVG, tag);
        Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
        p.appendChild(node);
      };
      add("rect", { width: 8, height: 8, fill: c.colour });
      var ink = "rgba(0,0,0,0.55)";
      if (c.pattern === "stripes" || c.pattern === "cross") add("rect", { x: 0, y: 0, width: 2.5, height: 8, fill: ink });
      if (c.pattern === "cross") add("rect", { x: 0, y: 0, width: 8, height: 2.5, fill: ink });
      if (c.pattern === "dots") add("circle", { cx: 4, cy: 4, r: 1.7, fill: ink });
      defs.appendChild(p);
    });
  }

  function fillOf(c) { return c.pattern && c.pattern !== "solid" ? "url(#moenster-" + c.colourIndex + ")" : c.colour; }

  function swatch(c) {
    var node = element("span", "swatch farve-" + c.colourIndex + (c.pattern ? " moenster-" + c.pattern : ""));
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  /* A tap on a touch screen shows a place's tooltip first; a second tap on the same place opens its
   * page. A mouse click opens it at once (hovering has shown the tooltip already). */
  var tapped = null;
  function openOnSecondTap(shape, href, lang) {
    shape.on("click", function (e) {
      var event = e.originalEvent || {};
      var touch = event.pointerType === "touch" || (event.sourceCapabilities && event.sourceCapabilities.firesTouchEvents);
      if (touch && tapped !== shape) {
        tapped = shape;
        shape.openTooltip(e.latlng);
        return;
      }
      window.location.href = withLang(href, lang);
    });
  }

  /* The map is one Tab stop: arrows (and Home, End) move between its places in name order, the
   * chosen one is outlined, its tooltip opened and announced; Enter opens its page; + and - zoom. */
  function keyboardNavigation(map, container, layer, lang, text, announce) {
    var shapes = [];
    layer.eachLayer(function (shape) {
      var el = shape.getElement && shape.getElement();
      if (el) el.setAttribute("tabindex", "-1");
      if (shape.feature && shape.feature.properties.page) shapes.push(shape);
    });
    shapes.sort(function (a, b) { return a.feature.properties.name.localeCompare(b.feature.properties.name, lang); });
    container.tabIndex = 0;
    container.setAttribute("role", "application");
    container.setAttribute("aria-roledescription", text.map_role);
    var current = -1;
    function choose(index) {
      if (current >= 0) {
        shapes[current].closeTooltip();
        shapes[current].getElement().classList.remove("valgt");
      }
      current = (index + shapes.length) % shapes.length;
      var shape = shapes[current];
      shape.getElement().classList.add("valgt");
      shape.bringToFront();
      shape.openTooltip(shape.getBounds().getCenter());
      container.dataset.chosen = shape.feature.properties.code;
      var shown = shape.getTooltip() && shape.getTooltip().getElement();
      if (announce && shown) announce(shown.textContent);
    }
    container.addEventListener("keydown", function (e) {
      var keys = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
      if (e.key in keys) choose(current < 0 ? (keys[e.key] > 0 ? 0 : -1) : current + keys[e.key]);
      else if (e.key === "Home") choose(0);
      else if (e.key === "End") choose(shapes.length - 1);
      else if (e.key === "Enter" && current >= 0) window.location.href = withLang(shapes[current].feature.properties.page, lang);
      else if (e.key === "+" || e.key === "=") map.zoomIn();
      else if (e.key === "-") map.zoomOut();
      else return;
      e.preventDefault();
    });
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } }).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  function tooltip(feature, lines) {
    var box = element("div", "map-tooltip");
    box.appendChild(element("strong", "", feature.properties.name + " (" + feature.properties.code + ")"));
    lines.forEach(function (line) {
      box.appendChild(element("br"));
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }

  function overview(container, text, lang) {
    var map = newMap(container);
    var dateInput = document.getElementById("dato");
    var legend = document.getElementById("legend");
    var kindsBox = document.getElementById("kinds");
    var status = document.getElementById("map-status");
    var params = new URLSearchParams(window.location.search);
    dateInput.value = params.get("dato") || today();
    getJSON(container.dataset.source).then(function (collection) {
      var byUri = {};
      collection.cooperations.forEach(function (c) { byUri[c.uri] = c; });
      definePatterns(collection.cooperations);
      var hiddenKinds = (container.dataset.hiddenKinds || "").split(" ");
      var kinds = [];
      collection.cooperations.forEach(function (c) { if (kinds.indexOf(c.kind) < 0) kinds.push(c.kind); });
      var shownKinds = {};
      var chosen = params.get("arter");
      kinds.forEach(function (k) {
        shownKinds[k] = chosen ? chosen.split(",").indexOf(k.split("/").pop()) >= 0 : hiddenKinds.indexOf(k) < 0;
      });
      function shown(uri) { return shownKinds[byUri[uri].kind]; }
      function styleOn(feature, day) {
        var found = statesOn(feature, day, shown);
        var list = found.member.length ? found.member : found.documented;
        var colour = list.length === 0 ? NONE : list.length === 1 ? fillOf(byUri[list[0].uri]) : SEVERAL;
        var documentedOnly = found.member.length === 0 && found.documented.length > 0;
        return {
          fillColor: colour, fillOpacity: documentedOnly ? 0.3 : 0.85,
          dashArray: documentedOnly ? "4 3" : null, weight: documentedOnly ? 1.6 : 0.7
        };
      }
      var layer = L.geoJSON(collection, {
        style: function (feature) {
          var style = styleOn(feature, dateInput.value);
          style.className = "kommune kommune-" + feature.properties.code;
          style.color = "#555555";
          return style;
        },
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(function () {
            var day = dateInput.value || today();
            var found = statesOn(feature, day, shown);
            var lines = found.member.map(function (c) { return nameOf(byUri[c.uri].names, lang); });
            found.documented.forEach(function (c) {
              lines.push(nameOf(byUri[c.uri].names, lang) + " (" + text.last_documented + " " + c.day + ")");
            });
            if (found.member.length > 1) lines.unshift(found.member.length + " " + text.cooperations_count);
            var region = regionOn(feature, day);
            if (!lines.length) lines.push(text.none);
            return tooltip(feature, lines.concat(region ? [nameOf(region.names, lang)] : []));
          }, { sticky: true });
          openOnSecondTap(shape, feature.properties.page, lang);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      keyboardNavigation(map, container, layer, lang, text, function (words) { status.textContent = words; });

      /* Each drawn municipality says what it shows (data-members, data-documented): what a test reads. */
      function mark(day) {
        layer.eachLayer(function (shape) {
          var found = statesOn(shape.feature, day, shown);
          var element = shape.getElement();
          element.setAttribute("data-members", found.member.map(function (c) { return c.uri; }).join(" "));
          element.setAttribute("data-documented", found.documented.map(function (c) { return c.uri; }).join(" "));
        });
      }

      /* The regions as they are on the chosen day: their borders, drawn over the municipalities. */
      var regionLayer = null;
      var regionStatus = document.getElementById("region-status");
      function drawRegions(day) {
        return getJSON(container.dataset.regions + "?dato=" + encodeURIComponent(day)).then(function (regions) {
          if (regionLayer) map.removeLayer(regionLayer);
          regionLayer = L.geoJSON(regions, {
            interactive: false,
            style: function (f) {
              return { className: "region-graense region-" + (f.properties.code || "uden-kode"), color: "#1a1a1a", weight: 2.4, fill: false };
            }
          }).addTo(map);
          var labels = regions.features.map(function (f) { return nameOf(f.properties.names, lang); });
          regionStatus.textContent = text.regions_on + " " + day + ": " + labels.length + " — " + labels.join(", ");
          container.dataset.regionsOn = day;
        });
      }

      function zoomTo(uri) {
        var bounds = null;
        layer.eachLayer(function (shape) {
          var member = shape.feature.properties.memberships.some(function (m) { return m.cooperation === uri; });
          if (member) bounds = bounds ? bounds.extend(shape.getBounds()) : L.latLngBounds(shape.getBounds().getSouthWest(), shape.getBounds().getNorthEast());
        });
        if (bounds) map.fitBounds(bounds, { maxZoom: 10 });
        container.dataset.zoomedTo = uri;
      }

      function drawKinds() {
        kindsBox.textContent = "";
        kinds.forEach(function (k) {
          var label = element("label");
          var box = element("input");
          box.type = "checkbox";
          box.value = k.split("/").pop();
          box.checked = shownKinds[k];
          box.addEventListener("change", function () { shownKinds[k] = box.checked; redraw(); });
          label.appendChild(box);
          label.appendChild(document.createTextNode(" " + nameOf((collection.kinds || {})[k], lang)));
          kindsBox.appendChild(label);
        });
      }

      function drawLegend(day) {
        legend.textContent = "";
        var members = {};
        var documented = {};
        var none = 0;
        var several = 0;
        collection.features.forEach(function (feature) {
          var found = statesOn(feature, day, shown);
          found.member.forEach(function (c) { members[c.uri] = (members[c.uri] || 0) + 1; });
          found.documented.forEach(function (c) { documented[c.uri] = (documented[c.uri] || 0) + 1; });
          if (!found.member.length && !found.documented.length) none += 1;
          if (found.member.length > 1) several += 1;
        });
        function item(c, label, count, uri, page) {
          var li = element("li");
          if (typeof c === "string") {
            var plain = element("span", "swatch");
            plain.style.background = c;
            li.appendChild(plain);
          } else {
            li.appendChild(swatch(c));
          }
          if (uri) {
            li.dataset.cooperation = uri;
            var zoom = element("button", "legend-zoom", label);
            zoom.type = "button";
            zoom.title = text.zoom_to + " " + label;
            zoom.addEventListener("click", function () { zoomTo(uri); });
            li.appendChild(zoom);
            var link = element("a", "legend-page", "↗");
            link.href = withLang(page, lang);
            link.setAttribute("aria-label", text.page_of + " " + label);
            li.appendChild(document.createTextNode(" "));
            li.appendChild(link);
          } else {
            li.appendChild(document.createTextNode(label));
          }
          li.appendChild(document.createTextNode(" — " + count));
          legend.appendChild(li);
        }
        collection.cooperations.forEach(function (c) {
          if (!shown(c.uri)) return;
          var count = (members[c.uri] || 0) + " " + text.municipalities_on;
          if (documented[c.uri]) count += ", " + documented[c.uri] + " " + text.last_documented_count;
          item(c, nameOf(c.names, lang), count, c.uri, c.page);
        });
        if (several) item(SEVERAL, text.several, several + " " + text.municipalities_on);
        item(NONE, text.none, none + " " + text.municipalities_on);
        status.textContent = text.shown_on + " " + day;
        drawList(day);
      }

      /* What the map shows, as text: every municipality with its cooperations on the day. */
      function drawList(day) {
        var list = document.getElementById("map-list");
        if (!list) return;
        list.textContent = "";
        collection.features.slice().sort(function (a, b) {
          return a.properties.name.localeCompare(b.properties.name, lang);
        }).forEach(function (feature) {
          var found = statesOn(feature, day, shown);
          var li = element("li");
          li.dataset.code = feature.properties.code;
          var link = element("a", "", feature.properties.name);
          link.href = withLang(feature.properties.page, lang);
          li.appendChild(link);
          var words = found.member.map(function (c) { return nameOf(byUri[c.uri].names, lang); });
          found.documented.forEach(function (c) {
            words.push(nameOf(byUri[c.uri].names, lang) + " (" + text.last_documented + " " + c.day + ")");
          });
          li.appendChild(document.createTextNode(": " + (words.length ? words.join(", ") : text.none)));
          list.appendChild(li);
        });
      }

      function redraw() {
        var day = dateInput.value || today();
        layer.setStyle(function (feature) { return styleOn(feature, day); });
        mark(day);
        drawLegend(day);
        params.set("dato", day);
        params.set("arter", kinds.filter(function (k) { return shownKinds[k]; }).map(function (k) { return k.split("/").pop(); }).join(","));
        window.history.replaceState(null, "", "?" + params.toString());
        return drawRegions(day);
      }
      dateInput.addEventListener("change", redraw);
      dateInput.addEventListener("input", redraw);
      document.querySelectorAll("button[data-day]").forEach(function (button) {
        button.addEventListener("click", function () {
          dateInput.value = button.dataset.day || today();
          redraw();
        });
      });
      drawKinds();
      mark(dateInput.value);
      drawLegend(dateInput.value);
      return drawRegions(dateInput.value).then(function () { container.dataset.ready = "true"; });
    }).catch(function (error) {
      status.textContent = text.failed + " " + error.message;
    });
  }

  function place(container, text, lang) {
    var map = newMap(container);
    getJSON(container.dataset.source).then(function (feature) {
      var neighbours = (feature.properties.neighbours || []).map(function (n) { return getJSON(n.geojson); });
      return Promise.all(neighbours).then(function (others) {
        var group = L.featureGroup().addTo(map);
        L.geoJSON(others, {
          style: function (f) {
            return { className: "nabo kommune-" + f.properties.code, color: "#777777", weight: 0.7, fillColor: NEIGHBOUR, fillOpacity: 0.6 };
          },
          onEachFeature: function (f, shape) {
            shape.bindTooltip(tooltip(f, [text.neighbour]), { sticky: true });
            openOnSecondTap(shape, f.properties.page, lang);
          }
        }).addTo(group);
        var self = L.geoJSON(feature, {
          style: { className: "selv kommune-" + feature.properties.code, color: "#0b2f36", weight: 2, fillColor: SELF, fillOpacity: 0.8 }
        }).addTo(group);
        self.bindTooltip(tooltip(feature, []), { sticky: true });
        map.fitBounds(feature.properties.neighbours && others.length ? group.getBounds() : self.getBounds());
        var everything = L.featureGroup();
        group.eachLayer(function (g) { g.eachLayer(function (shape) { everything.addLayer(shape); }); });
        keyboardNavigation(map, container, everything, lang, text);
        container.dataset.ready = "true";
      });
    }).catch(function (error) { container.textContent = text.failed + " " + error.message; });
  }

  function members(container, text, lang) {
    var map = newMap(container);
    var day = today();
    getJSON(container.dataset.source).then(function (collection) {
      var own = collection.cooperations.filter(function (c) { return c.uri === collection.id; })[0];
      definePatterns(collection.cooperations);
      var colour = own ? fillOf(own) : SELF;
      function mine(f) { return f.properties.memberships.filter(function (m) { return m.cooperation === collection.id; })[0]; }
      var layer = L.geoJSON(collection, {
        style: function (f) {
          var state = stateOn(mine(f), day).state;
          return {
            className: "medlem kommune-" + f.properties.code + " tilstand-" + state, color: "#555555",
            weight: state === "documented" ? 1.6 : 0.8, dashArray: state === "documented" ? "4 3" : null,
            fillColor: state === "unknown" ? NEIGHBOUR : colour, fillOpacity: state === "member" ? 0.85 : 0.3
          };
        },
        onEachFeature: function (f, shape) {
          var m = mine(f);
          var s = stateOn(m, day);
          var lines = [
            (m.from ? text.from + " " + m.from : "") + (m.to ? " " + text.to + " " + m.to : "") +
              ((m.seen || []).length ? " " + text.seen + " " + m.seen.join(", ") : ""),
            text.states[s.state] + (s.day ? " " + s.day : "")
          ];
          shape.bindTooltip(tooltip(f, lines), { sticky: true });
          openOnSecondTap(shape, f.properties.page, lang);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      keyboardNavigation(map, container, layer, lang, text);
      container.dataset.ready = "true";
    }).catch(function (error) { container.textContent = text.failed + " " + error.message; });
  }

  function all(container, text, lang) {
    var map = newMap(container);
    getJSON(container.dataset.source).then(function (collection) {
      var layer = L.geoJSON(collection, {
        style: function (f) {
          return { className: "sted kommune-" + f.properties.code, color: "#555555", weight: 0.7, fillColor: PLACE, fillOpacity: 0.6 };
        },
        onEachFeature: function (f, shape) {
          shape.bindTooltip(tooltip(f, []), { sticky: true });
          openOnSecondTap(shape, f.properties.page, lang);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      keyboardNavigation(map, container, layer, lang, text);
      container.dataset.ready = "true";
    }).catch(function (error) { container.textContent = text.failed + " " + error.message; });
  }

  function start() {
    var textNode = document.getElementById("map-text");
    var text = textNode ? JSON.parse(textNode.textContent) : {};
    var lang = document.documentElement.lang || "da";
    document.querySelectorAll(".map[data-source]").forEach(function (container) {
      var mode = container.dataset.mode;
      if (mode === "overview") overview(container, text, lang);
      else if (mode === "members") members(container, text, lang);
      else if (mode === "all") all(container, text, lang);
      else place(container, text, lang);
    });
  }

  window.plankgMap = { stateOn: stateOn, livesOn: livesOn };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
