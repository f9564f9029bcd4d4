// Preloaded (node --import) before a product-page sample: its portal URL is written as https://app.cuitty.com,
// so requests there are sent to the test server named by CUITTY_TEST_REDIRECT instead; nothing else changes.
const from = "https://app.cuitty.com";
const to = process.env.CUITTY_TEST_REDIRECT;
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  if (!to || !url.startsWith(from)) return realFetch(input, init);
  const target = to + url.slice(from.length);
  return input instanceof Request ? realFetch(new Request(target, input), init) : realFetch(target, init);
};
