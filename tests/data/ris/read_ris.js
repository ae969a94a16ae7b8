// citation.js as a RIS reader for tests/test_ris.py: RIS text on stdin; prints, per
// record, citation.js's CSL item (as its RIS plugin read it), its APA entry, and the
// issued date as citation.js's citation processor reads it (a one-line style that
// prints it as YYYY-MM-DD, since some items keep the date as RIS text).
// Modules come from NODE_PATH (tests/interop/node_modules, or a development copy).
const { Cite, plugins } = require('@citation-js/core');
require('@citation-js/plugin-ris');
require('@citation-js/plugin-csl');

const DATES_STYLE = `<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>issued date</title><id>issued-date</id>
    <updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text value="-"/></layout></citation>
  <bibliography><layout><date variable="issued">
    <date-part name="year"/>
    <date-part name="month" form="numeric-leading-zeros" prefix="-"/>
    <date-part name="day" form="numeric-leading-zeros" prefix="-"/>
  </date></layout></bibliography>
</style>`;
plugins.config.get('@csl').styles.add('issued-date', DATES_STYLE);

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const records = plugins.input.chain(input, { forceType: '@ris/file', generateGraph: false });
  const out = records.map((item) => {
    const one = new Cite(item);
    const copy = Object.assign({}, item);
    delete copy._graph;
    return {
      item: copy,
      apa: one.format('bibliography', { template: 'apa', lang: 'en-US' }),
      issued: one.format('bibliography', { template: 'issued-date', lang: 'en-US' }).trim(),
    };
  });
  process.stdout.write(JSON.stringify(out));
});
