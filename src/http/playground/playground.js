// Starts GraphiQL on the page that /graphiql serves. A file of its own, since
// the page's Content-Security-Policy runs no inline script. React, ReactDOM
// and GraphiQL are the globals of the scripts loaded before this one.
(function () {
  'use strict';
  var root = document.getElementById('graphiql');
  var settings = root.dataset;
  // GraphiQL's dialogs add a <style> element while open; it needs the nonce
  // that the page's Content-Security-Policy names.
  window.__webpack_nonce__ = settings.styleNonce;
  var fetcher = GraphiQL.createFetcher({
    url: new URL(settings.endpoint, window.location.href).href,
  });
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.defaultQuery,
      // For staff: `{ "Authorization": "Bearer …" }`. Empty by default, since
      // the API refuses a request whose token is not valid.
      isHeadersEditorEnabled: true,
      defaultHeaders: '',
      // Tokens stay out of localStorage unless turned on in the settings.
      shouldPersistHeaders: false,
      showPersistHeadersSettings: true,
    }),
  );
})();
