import { histogramTotals, labelValue, meanMsBetween } from '../../bench/lib/phase-split';

const scrape = (detectSum: number, detectCount: number) => `
# HELP pii_vault_token_phase_seconds Handler time
# TYPE pii_vault_token_phase_seconds histogram
pii_vault_token_phase_seconds_bucket{le="0.001",operation="tokenize",phase="detect"} 1
pii_vault_token_phase_seconds_sum{operation="tokenize",phase="detect"} ${detectSum}
pii_vault_token_phase_seconds_count{operation="tokenize",phase="detect"} ${detectCount}
pii_vault_token_phase_seconds_sum{operation="detokenize",phase="audit"} 0.5
pii_vault_token_phase_seconds_count{operation="detokenize",phase="audit"} 10
pii_vault_http_request_duration_seconds_sum{method="POST",route="/v1/tokenize",status="200"} 9
pii_vault_http_request_duration_seconds_count{method="POST",route="/v1/tokenize",status="200"} 3
`;

describe('bench phase split from /metrics text', () => {
  it('reads sum and count per series of the named histogram only', () => {
    const totals = histogramTotals(scrape(0.25, 4), 'pii_vault_token_phase_seconds');
    expect([...totals.keys()]).toEqual([
      'operation="tokenize",phase="detect"',
      'operation="detokenize",phase="audit"',
    ]);
    expect(totals.get('operation="tokenize",phase="detect"')).toEqual({ sum: 0.25, count: 4 });
  });

  it('gives the mean ms per request between two scrapes and leaves out series that did not move', () => {
    const name = 'pii_vault_token_phase_seconds';
    const means = meanMsBetween(
      histogramTotals(scrape(0.25, 4), name),
      histogramTotals(scrape(1.25, 204), name),
    );
    expect(means.get('operation="tokenize",phase="detect"')).toEqual({ ms: 5, count: 200 });
    expect(means.has('operation="detokenize",phase="audit"')).toBe(false);
  });

  it('reads one label out of label text', () => {
    const labels = 'method="POST",route="/v1/tokenize",status="200"';
    expect(labelValue(labels, 'route')).toBe('/v1/tokenize');
    expect(labelValue(labels, 'status')).toBe('200');
    expect(labelValue(labels, 'phase')).toBeUndefined();
  });
});
