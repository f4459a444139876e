import type {
  MetricCounter,
  MetricGauge,
  MetricHistogram,
  MetricMeter,
  MetricTags,
  NumericMetricValueType,
} from '@temporalio/common';

/** One value a metric received, with every tag it carried (the activity's own and the caller's). */
export interface RecordedValue {
  name: string;
  kind: 'counter' | 'histogram' | 'gauge';
  value: number;
  tags: MetricTags;
}

/**
 * The SDK's `MetricMeter` interface over an array, for `MockActivityEnvironment({…}, { metricMeter })`: the activity
 * composes its own tags (namespace, taskQueue, activityType) on top, exactly as a worker does over the exporter.
 */
export class RecordingMetricMeter implements MetricMeter {
  constructor(
    readonly values: RecordedValue[] = [],
    private readonly tags: MetricTags = {}
  ) {}

  createCounter(name: string, unit?: string, description?: string): MetricCounter {
    const record = (tags: MetricTags) => (value: number, extra?: MetricTags) => {
      this.values.push({ name, kind: 'counter', value, tags: { ...this.tags, ...tags, ...extra } });
    };
    const counter = (tags: MetricTags): MetricCounter => ({
      name,
      ...(unit !== undefined && { unit }),
      ...(description !== undefined && { description }),
      kind: 'counter',
      valueType: 'int',
      add: record(tags),
      withTags: (more) => counter({ ...tags, ...more }),
    });
    return counter({});
  }

  createHistogram(
    name: string,
    valueType: NumericMetricValueType = 'int',
    unit?: string,
    description?: string
  ): MetricHistogram {
    const histogram = (tags: MetricTags): MetricHistogram => ({
      name,
      ...(unit !== undefined && { unit }),
      ...(description !== undefined && { description }),
      kind: 'histogram',
      valueType,
      record: (value, extra) => {
        this.values.push({ name, kind: 'histogram', value, tags: { ...this.tags, ...tags, ...extra } });
      },
      withTags: (more) => histogram({ ...tags, ...more }),
    });
    return histogram({});
  }

  createGauge(
    name: string,
    valueType: NumericMetricValueType = 'int',
    unit?: string,
    description?: string
  ): MetricGauge {
    const gauge = (tags: MetricTags): MetricGauge => ({
      name,
      ...(unit !== undefined && { unit }),
      ...(description !== undefined && { description }),
      kind: 'gauge',
      valueType,
      set: (value, extra) => {
        this.values.push({ name, kind: 'gauge', value, tags: { ...this.tags, ...tags, ...extra } });
      },
      withTags: (more) => gauge({ ...tags, ...more }),
    });
    return gauge({});
  }

  withTags(tags: MetricTags): MetricMeter {
    return new RecordingMetricMeter(this.values, { ...this.tags, ...tags });
  }

  /** Sum of a counter's values per label set, labels restricted to `keys` (as a PromQL `sum by (…)` would). */
  sum(name: string, keys: readonly string[]): Record<string, number> {
    const sums: Record<string, number> = {};
    for (const v of this.values) {
      if (v.name !== name) continue;
      const key = keys.map((k) => `${k}=${String(v.tags[k])}`).join(',');
      sums[key] = (sums[key] ?? 0) + v.value;
    }
    return sums;
  }
}
