// 保険者番号の検証番号 (check digit), per the MHLW 保険者番号設定要領: multiply the digits by 2 and 1 in
// turn starting from the last one, sum the digits of each product, and take (10 - sum % 10) % 10.
// Checked against public numbers: 01130012 (協会けんぽ東京支部), 33120015 (千葉県警察), 131011 (千代田区国保).

export function insurerCheckDigit(body: string): number {
  if (!/^[0-9]+$/.test(body)) throw new RangeError('insurer number body must be digits');
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    const digit = Number(body[body.length - 1 - i]);
    const product = digit * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(product / 10) + (product % 10);
  }
  return (10 - (sum % 10)) % 10;
}

/** 8 digits (法別番号 2 + 都道府県 2 + 保険者別 3 + check) or 6 for national health insurance. */
export function isValidInsurerNumber(value: string): boolean {
  if (!/^([0-9]{6}|[0-9]{8})$/.test(value)) return false;
  return insurerCheckDigit(value.slice(0, -1)) === Number(value.slice(-1));
}

export function withCheckDigit(body: string): string {
  return body + String(insurerCheckDigit(body));
}
