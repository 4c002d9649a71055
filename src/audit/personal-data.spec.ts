import { exportedBuyer, maskAddress, maskPhone } from './personal-data.js';

describe('personal data masking', () => {
  it('should keep the first three and last four digits of a phone number', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+86 138-0013-8000')).toBe('861****8000');
    expect(maskPhone('12345')).toBe('****');
    expect(maskPhone(undefined)).toBeNull();
  });

  it('should keep at most the first six characters of an address', () => {
    expect(maskAddress('浙江省杭州市余杭区文一西路 969 号')).toBe('浙江省杭州市****');
    expect(maskAddress('短地址')).toBe('****');
    expect(maskAddress('')).toBeNull();
  });

  it('should mask only phone and address, and nothing when personal data is included', () => {
    const buyer = { id: 'b1', nickname: '小明', phone: '13800138000', address: '浙江省杭州市余杭区文一西路 969 号' };
    expect(exportedBuyer(buyer, false)).toEqual({ id: 'b1', nickname: '小明', phone: '138****8000', address: '浙江省杭州市****' });
    expect(exportedBuyer(buyer, true)).toBe(buyer);
  });
});
