// The index page's search over names, brands, forms and codes. Reads the
// rows search-index.js set (no fetch(), so it works from file://) and
// builds the results with textContent only, so no text becomes markup.
(function () {
  'use strict';
  var index = window.KB_SEARCH_INDEX || [];
  var input = document.getElementById('search');
  var results = document.getElementById('search-results');
  if (!input || !results) return;
  var kMaxResults = 50;

  function show(query) {
    results.textContent = '';
    var needle = query.trim().toLowerCase();
    if (!needle) return;
    var shown = 0;
    for (var i = 0; i < index.length && shown < kMaxResults; i++) {
      var row = index[i];  // [term, kind, drug name, page]
      if (row[0].toLowerCase().indexOf(needle) < 0) continue;
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = row[3];
      link.textContent = row[2];
      item.appendChild(link);
      item.appendChild(document.createTextNode(' — ' + row[1] + ': ' + row[0]));
      item.className = 'search-hit';
      results.appendChild(item);
      shown++;
    }
    if (shown === 0) {
      var none = document.createElement('li');
      none.id = 'search-none';
      none.textContent = 'No drug matches \u201c' + query + '\u201d.';
      results.appendChild(none);
    }
  }

  // "#q=Haldol" or "?q=Haldol" opens the page with a search done.
  function queryFromUrl() {
    var sources = [window.location.hash.replace(/^#/, ''),
                   window.location.search.replace(/^\?/, '')];
    for (var s = 0; s < sources.length; s++) {
      var pairs = sources[s].split('&');
      for (var p = 0; p < pairs.length; p++) {
        var eq = pairs[p].indexOf('=');
        if (eq > 0 && pairs[p].slice(0, eq) === 'q') {
          try {
            return decodeURIComponent(pairs[p].slice(eq + 1).replace(/\+/g, ' '));
          } catch (e) {
            return '';
          }
        }
      }
    }
    return '';
  }

  input.addEventListener('input', function () { show(input.value); });
  window.addEventListener('hashchange', function () {
    input.value = queryFromUrl();
    show(input.value);
  });
  input.value = queryFromUrl();
  show(input.value);
})();
