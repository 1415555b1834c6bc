export * from './group.entity';
export * from './group-member.entity';
export * from './group.storage';
export * from './groups.repository';
export * from './groups.service';
export * from './groups.module';
