// Identities that pass every document check (R9 check characters, R10 dates): the starting point rule tests vary.
import type { EnterpriseIdentity, IndividualIdentity } from '../../shared/domain';

export const checkedPerson: IndividualIdentity = {
  kind: 'individual',
  fullName: '张三',
  documentType: 'id_card',
  documentNumber: '11010519491231002X',
  issuingLocation: 'CN',
  dateOfBirth: '1949-12-31',
  expiryDate: '2036-05-01',
};

export const checkedCompany: EnterpriseIdentity = {
  kind: 'enterprise',
  enterpriseName: '福州示例有限公司',
  registeredAddress: '福建省福州市示例路1号',
  businessRegistrationNumber: '91350100M000100Y43',
  establishedOn: '2015-03-02',
};
