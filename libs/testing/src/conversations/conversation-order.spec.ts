import { RecordedRequest } from '../simulators/meta/meta-graph.simulator';
import { conversationOrder } from './conversation-order';

const call = (to: string, place: number, receivedAt: number) =>
  ({ body: { to, text: { body: `m${place}` } }, receivedAt }) as RecordedRequest;
const placeOf = (request: RecordedRequest) => Number(request.body.text.body.slice(1));

describe('conversationOrder', () => {
  it('names the conversations first sent out of order and the calls made while the one before was at Meta', () => {
    const calls = [
      call('+490000000000', 0, 0),
      call('+490000000000', 1, 250),
      call('+490000000000', 2, 500),
      call('+490000000001', 4, 0),
      call('+490000000001', 3, 100),
      call('+490000000001', 5, 400),
    ];
    expect(conversationOrder(calls, placeOf, 200)).toEqual({
      conversations: 2,
      outOfOrder: ['+490000000001: 4,3,5'],
      overlapping: ['m4 m3'],
    });
  });

  it('reads the calls in the order they reached Meta, and a message sent again after later ones keeps its first place', () => {
    const calls = [call('+490000000000', 1, 300), call('+490000000000', 0, 0), call('+490000000000', 0, 600)];
    expect(conversationOrder(calls, placeOf, 200)).toEqual({ conversations: 1, outOfOrder: [], overlapping: [] });
  });
});
