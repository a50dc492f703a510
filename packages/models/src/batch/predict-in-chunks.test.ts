import { describe, expect, it } from 'vitest';
import { frameFromRows, type ModelInput } from '../model-input';
import { inputRows, joinPredictions, sliceInput } from './predict-in-chunks';
import { predictionsCsv } from './predictions-csv';

describe('chunking a request', () => {
  it('slices frames by row and tensors along their first dimension', () => {
    const frame: ModelInput = {
      kind: 'dataframe',
      frame: frameFromRows(
        ['a', 'b'],
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ),
    };
    const part = sliceInput(frame, 1, 3);
    expect(inputRows(part)).toBe(2);
    expect(part.kind === 'dataframe' && part.frame.values.get('b')).toEqual([4, 6]);

    const tensor: ModelInput = { kind: 'tensor', array: { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] } };
    expect(sliceInput(tensor, 2, 10)).toEqual({ kind: 'tensor', array: { shape: [1, 2], data: [5, 6] } });
  });

  it('joins lists end to end and dicts of lists key by key, and refuses anything else', () => {
    expect(joinPredictions([[1, 2], [3]])).toEqual([1, 2, 3]);
    expect(joinPredictions([{ y: [[1]] }, { y: [[2]] }])).toEqual({ y: [[1], [2]] });
    expect(() => joinPredictions([{ y: 1 }, { y: 2 }])).toThrow(/one prediction per input row/);
  });
});

describe('predictions as CSV', () => {
  it('writes one column per output and quotes what needs it', () => {
    expect(predictionsCsv([{ y: 1, label: 'a,b' }])).toBe('y,label\n1,"a,b"\n');
    expect(predictionsCsv([0.5, 1.5])).toBe('predictions\n0.5\n1.5\n');
    expect(predictionsCsv({ y: [[1, 2]] })).toBe('y\n"[1,2]"\n');
  });
});
