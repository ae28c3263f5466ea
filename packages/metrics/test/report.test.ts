import { describe, expect, it } from 'vitest';
import { classificationReport, f1Score, type ReportRow } from '../src/index';

// The expected texts are written by hand in scikit-learn's layout. The name column is
// max(longest name, len('weighted avg') = 12, digits) wide and right-aligned, followed by a
// space; each of the four columns is a space and then 9 right-aligned characters.
//
// Per class (true positives, predicted, support):
// 0: (5, 6, 6) -> precision 5/6 = 0.8333, recall 5/6 = 0.8333, F1 10/12 = 0.8333
// 1: (1, 3, 2) -> precision 1/3 = 0.3333, recall 1/2 = 0.5,    F1 2/5 = 0.4
// 2: (1, 1, 2) -> precision 1,            recall 1/2 = 0.5,    F1 2/3 = 0.6667
// accuracy 7/10; macro: precision 13/18 = 0.7222, recall 11/18 = 0.6111, F1 1.9/3 = 0.6333;
// weighted: precision 7.6667/10 = 0.7667, recall 0.7, F1 7.1333/10 = 0.7133.
const Y_TRUE = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
const Y_PRED = [0, 0, 0, 0, 0, 1, 1, 0, 2, 1];

describe('classificationReport text', () => {
  it('matches scikit-learn at digits 2', () => {
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '           0       0.83      0.83      0.83         6',
      '           1       0.33      0.50      0.40         2',
      '           2       1.00      0.50      0.67         2',
      '',
      '    accuracy                           0.70        10',
      '   macro avg       0.72      0.61      0.63        10',
      'weighted avg       0.77      0.70      0.71        10',
      '',
    ].join('\n');
    expect(classificationReport(Y_TRUE, Y_PRED)).toBe(expected);
  });

  it('matches scikit-learn at digits 4', () => {
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '           0     0.8333    0.8333    0.8333         6',
      '           1     0.3333    0.5000    0.4000         2',
      '           2     1.0000    0.5000    0.6667         2',
      '',
      '    accuracy                         0.7000        10',
      '   macro avg     0.7222    0.6111    0.6333        10',
      'weighted avg     0.7667    0.7000    0.7133        10',
      '',
    ].join('\n');
    expect(classificationReport(Y_TRUE, Y_PRED, { digits: 4 })).toBe(expected);
  });

  it('widens the name column for long names', () => {
    // The widest name has 19 characters, so every row is right-aligned to 19.
    const targetNames = ['cat', 'dog', 'long-tailed macaque'];
    const expected = [
      '                     precision    recall  f1-score   support',
      '',
      '                cat       0.83      0.83      0.83         6',
      '                dog       0.33      0.50      0.40         2',
      'long-tailed macaque       1.00      0.50      0.67         2',
      '',
      '           accuracy                           0.70        10',
      '          macro avg       0.72      0.61      0.63        10',
      '       weighted avg       0.77      0.70      0.71        10',
      '',
    ].join('\n');
    expect(classificationReport(Y_TRUE, Y_PRED, { targetNames })).toBe(expected);
  });

  it('keeps width 12 for short names', () => {
    const text = classificationReport(Y_TRUE, Y_PRED, { targetNames: ['a', 'b', 'c'] });
    expect(text.split('\n')[2]).toBe('           a       0.83      0.83      0.83         6');
  });

  it('counts names in code points', () => {
    // 'chat 🐈' is 6 code points but 7 UTF-16 units; Python pads it to 12 as 6 characters.
    const text = classificationReport([0, 1], [0, 1], { targetNames: ['chat 🐈', 'dog'] });
    expect(text.split('\n')[2]).toBe('      chat 🐈       1.00      1.00      1.00         1');
  });

  it('widens the name column to digits', () => {
    // Width max(1, 12, 13) = 13: the header starts with 13 + 1 + 1 spaces.
    const header = classificationReport(Y_TRUE, Y_PRED, { digits: 13 }).split('\n')[0];
    expect(header).toBe('               precision    recall  f1-score   support');
    const row = classificationReport(Y_TRUE, Y_PRED, { digits: 13 }).split('\n')[2];
    // Values wider than 9 characters push the columns apart, with one space between them.
    expect(row).toBe('            0  0.8333333333333 0.8333333333333 0.8333333333333         6');
  });

  it('shows micro avg for a subset of labels', () => {
    // Labels [1, 2, 3] leave out label 0, which is predicted once.
    // 1: (2, 2, 3) -> precision 1, recall 2/3, F1 4/5; 2 and 3 are absent (0 with 'warn').
    // micro: (2, 2, 3) as label 1; macro: 1/3, 2/9, 4/15; weighted: label 1 alone.
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '           1       1.00      0.67      0.80         3',
      '           2       0.00      0.00      0.00         0',
      '           3       0.00      0.00      0.00         0',
      '',
      '   micro avg       1.00      0.67      0.80         3',
      '   macro avg       0.33      0.22      0.27         3',
      'weighted avg       1.00      0.67      0.80         3',
      '',
    ].join('\n');
    expect(classificationReport([1, 1, 1], [1, 1, 0], { labels: [1, 2, 3] })).toBe(expected);
  });

  it('shows accuracy for a superset of labels', () => {
    // Label 3 is absent: its row is all 0, and the macro F1 becomes 1.9 / 4 = 0.475.
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '           0       0.83      0.83      0.83         6',
      '           1       0.33      0.50      0.40         2',
      '           2       1.00      0.50      0.67         2',
      '           3       0.00      0.00      0.00         0',
      '',
      '    accuracy                           0.70        10',
      '   macro avg       0.54      0.46      0.47        10',
      'weighted avg       0.77      0.70      0.71        10',
      '',
    ].join('\n');
    const text = classificationReport(Y_TRUE, Y_PRED, { labels: [0, 1, 2, 3] });
    expect(text).toBe(expected);
  });

  it('rounds ties to even as Python does', () => {
    // Label 1: true positives 1, predicted 8 -> precision 0.125 exactly, printed 0.12.
    // Its F1 is 2 / (1 + 8) = 0.2222; label 0 is never predicted (0 with 'warn').
    const text = classificationReport([1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]);
    expect(text.split('\n')[3]).toBe('           1       0.12      1.00      0.22         1');
  });

  it('prints nan for a NaN zeroDivision', () => {
    const text = classificationReport([0, 0], [0, 1], { zeroDivision: Number.NaN });
    // Label 1: predicted once, never true -> precision 0, recall nan, F1 0.
    expect(text.split('\n')[3]).toBe('           1       0.00       nan      0.00         0');
  });
});

describe('classificationReport outputDict', () => {
  it('returns the numbers keyed like scikit-learn', () => {
    const report = classificationReport(Y_TRUE, Y_PRED, {
      outputDict: true,
      targetNames: ['a', 'b', 'c'],
    });
    expect(Object.keys(report)).toEqual(['a', 'b', 'c', 'accuracy', 'macro avg', 'weighted avg']);
    expect(report.accuracy).toBeCloseTo(0.7, 12);
    expect(report.b).toEqual({ precision: 1 / 3, recall: 0.5, 'f1-score': 0.4, support: 2 });

    const macro = report['macro avg'] as ReportRow;
    expect(macro['f1-score']).toBeCloseTo(0.633333, 6);
    expect(macro.support).toBe(10);
    const weighted = report['weighted avg'] as ReportRow;
    expect(weighted['f1-score']).toBeCloseTo(0.713333, 6);
    expect(weighted.precision).toBeCloseTo(7.6666666667 / 10, 9);
  });

  it('has micro avg for a subset of labels', () => {
    const report = classificationReport(Y_TRUE, Y_PRED, { outputDict: true, labels: [1, 2] });
    expect(Object.keys(report)).toEqual(['1', '2', 'micro avg', 'macro avg', 'weighted avg']);
    // Labels [1, 2]: true positives 2, predicted 4, support 4.
    expect(report['micro avg']).toEqual({
      precision: 0.5,
      recall: 0.5,
      'f1-score': 0.5,
      support: 4,
    });
  });

  it('agrees with f1Score', () => {
    const report = classificationReport(Y_TRUE, Y_PRED, { outputDict: true });
    const macro = report['macro avg'] as ReportRow;
    expect(macro['f1-score']).toBe(f1Score(Y_TRUE, Y_PRED, { average: 'macro' }));
  });
});

describe('classificationReport validation', () => {
  it('rejects too few target names', () => {
    expect(() => classificationReport(Y_TRUE, Y_PRED, { targetNames: ['a', 'b'] })).toThrow(
      'classificationReport: targetNames has 2 names but there are 3 labels',
    );
  });

  it('rejects invalid digits', () => {
    expect(() => classificationReport(Y_TRUE, Y_PRED, { digits: -1 })).toThrow(
      'classificationReport: digits is -1',
    );
    expect(() => classificationReport(Y_TRUE, Y_PRED, { digits: 1.5 })).toThrow(
      'classificationReport: digits is 1.5',
    );
  });

  it('rejects mismatched lengths', () => {
    expect(() => classificationReport(Y_TRUE, Y_PRED.slice(1))).toThrow(
      'classificationReport: yTrue has 10 labels but yPred has 9',
    );
  });
});
